/**
 * Check-ins: search any part of a name, e-mail, ticket, check-in, session or device id (accents
 * and case ignored; matches marked in the rows), or of one chosen field; filter by
 * gate, session, device or re-entries, sort by time, ticket, name or e-mail (kept), and scroll
 * the whole store page by page. A row opens its detail: every field, the raw event, and the
 * other scans of the same ticket.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  CHECKIN_SORTS,
  SEARCH_SCAN_NEWEST,
  type CheckInDetail,
  type CheckinSort,
  type CheckInRow,
} from '../../../shared/api/channels/checkins';
import { Chip, CountTitle, Id } from '../components/bits';
import { Highlight } from '../components/highlight';
import { DetailPanel } from '../components/detail-panel';
import { idColumn, VirtualTable, type Column } from '../components/virtual-table';
import { usePagedList } from '../hooks/use-paged-list';
import { useWatch } from '../hooks/use-watch';
import { duration, useFormat } from '../format';
import type { DrillDownViewProps } from '../nav';
import { useViewSort } from '../state/view-sort';

type Field = 'any' | 'ticket' | 'name' | 'email';

/** What a search did not look at, in words (nothing for 'all'). */
function coverageNote(coverage: string, notIndexed: number): string | undefined {
  if (coverage === 'catching-up') {
    return `Search is catching up: ${notIndexed.toLocaleString()} check-ins just received are not indexed yet and may be missing for a moment.`;
  }
  return COVERAGE_NOTE[coverage];
}

const COVERAGE_NOTE: Record<string, string> = {
  newest: `Only the newest ${SEARCH_SCAN_NEWEST.toLocaleString()} check-ins were searched: type at least 3 letters to search them all.`,
  indexing:
    'Check-ins stored before the search index existed are still being added to it: older ones may be missing for a while.',
  'index-failed':
    'The search index could not take in older check-ins: they may be missing until the app is restarted.',
};

/** Columns kept when the detail panel takes half the width. */
const NARROW = new Set(['time', 'ticket', 'name', 'gate', 'flag']);

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function CheckinsView({ api, nav, navigate }: DrillDownViewProps) {
  const fmt = useFormat();
  const [text, setText] = useState(nav.text ?? '');
  const [field, setField] = useState<Field>('any');
  const [reentryOnly, setReentryOnly] = useState(nav.reentries === true);
  const [sort, toggleSort] = useViewSort<CheckinSort>(
    'checkins',
    CHECKIN_SORTS,
    { key: 'time', dir: 'desc' },
    (k) => (k === 'time' ? 'desc' : 'asc'),
  );
  const [detail, setDetail] = useState<CheckInDetail | null>(null);
  const query = useDebounced(text.trim(), 250);
  const request = useMemo(
    () => ({
      text: query,
      field,
      reentryOnly,
      sort: sort.key,
      dir: sort.dir,
      ...(nav.gate !== undefined ? { gate: nav.gate } : {}),
      ...(nav.sessionId !== undefined ? { sessionId: nav.sessionId } : {}),
      ...(nav.deviceId !== undefined ? { deviceId: nav.deviceId } : {}),
    }),
    [query, field, reentryOnly, sort, nav.gate, nav.sessionId, nav.deviceId],
  );
  const changes = useWatch<{ lastIngestSeq: number }>(
    (l) => api.onCheckInsChanged({}, l),
    'checkins-changes',
  );
  // Live at the top of the list; scrolled down, the rows hold still (new arrivals would shift
  // what the supervisor is reading) and a note says there is more above.
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const list = usePagedList<CheckInRow>(
    (offset, limit) => api.searchCheckIns({ ...request, offset, limit }),
    JSON.stringify(request),
    pausedAt === null ? changes?.lastIngestSeq : `paused-${pausedAt}`,
  );
  const listOnRange = list.onRange;
  const seq = changes?.lastIngestSeq ?? 0;
  const onRange = useCallback(
    (start: number, end: number) => {
      listOnRange(start, end);
      setPausedAt((p) => (start === 0 ? null : (p ?? seq)));
    },
    [listOnRange, seq],
  );
  const newAbove = pausedAt !== null && seq > pausedAt;

  const open = (row: CheckInRow) => {
    void api.getCheckIn({ id: row.id }).then(setDetail);
  };

  const mark = (value: string) => <Highlight text={value} query={query} />;
  const columns: Column<CheckInRow>[] = [
    {
      key: 'time',
      header: 'Checked in',
      width: '8rem',
      sort: 'time',
      render: (r) => fmt.when(r.checkedInAt),
    },
    {
      key: 'ticket',
      header: 'Ticket',
      width: 'minmax(8rem, 1.65fr)',
      sort: 'ticket',
      // Cut in the middle when narrow: the suffix (what a ticket is searched by) stays.
      render: (r) => <Highlight text={r.ticketId} query={query} keepEnd={6} />,
    },
    {
      key: 'name',
      header: 'Attendee',
      // The column people read most gets the room: a long name stays whole at 1280 wide.
      width: 'minmax(10rem, 2.3fr)',
      sort: 'name',
      render: (r) => mark(r.attendeeName ?? ''),
    },
    {
      key: 'email',
      header: 'E-mail',
      width: 'minmax(9rem, 1.65fr)',
      sort: 'email',
      render: (r) => mark(r.attendeeEmail ?? ''),
    },
    idColumn('gate', 'Gate', 'minmax(4rem, 0.9fr)', (r) => r.gate),
    {
      key: 'device',
      header: 'Device',
      width: 'minmax(5rem, 1.1fr)',
      render: (r) => mark(r.deviceId),
    },
    {
      key: 'session',
      header: 'Session',
      width: 'minmax(5rem, 1fr)',
      render: (r) => mark(r.sessionId),
    },
    idColumn('product', 'Product', 'minmax(4.5rem, 1.3fr)', (r) => r.productId),
    {
      key: 'flag',
      header: '',
      width: '5.5rem',
      render: (r) => (r.reentry ? <span className="pill pill-idle">Re-entry</span> : null),
    },
  ];
  const sortNote =
    list.sortedBy !== null && list.sortedBy !== sort.key
      ? `Too many rows to sort by ${sort.key} here: shown ${list.sortedBy === 'time' ? 'newest first' : `by ${list.sortedBy}`}. Narrow the list to sort it.`
      : null;

  return (
    <div className="view view-split">
      <div className="view-main">
        <div className="toolbar">
          <CountTitle
            title="Check-ins"
            count={list.total}
            atLeast={list.capped}
            testId="checkins-total"
          />
          {newAbove ? (
            <span className="badge badge-away" data-testid="checkins-new-above" role="status">
              New check-ins above (Home)
            </span>
          ) : null}
          <input
            id="search"
            type="search"
            className="search"
            data-testid="search-input"
            placeholder="Name, e-mail, ticket or device id (press /)"
            aria-label="Search check-ins"
            value={text}
            maxLength={128}
            onChange={(e) => setText(e.target.value)}
          />
          <select
            aria-label="Search in"
            value={field}
            onChange={(e) => setField(e.target.value as Field)}
          >
            <option value="any">Any field</option>
            <option value="ticket">Ticket id</option>
            <option value="name">Name</option>
            <option value="email">E-mail</option>
          </select>
          <label className="check">
            <input
              type="checkbox"
              checked={reentryOnly}
              onChange={(e) => setReentryOnly(e.target.checked)}
            />{' '}
            Re-entries only
          </label>
          {nav.gate !== undefined ? (
            <Chip
              testId="filter-gate"
              label={`Gate ${nav.gate || '(none)'}`}
              onClear={() => navigate({ ...nav, gate: undefined })}
            />
          ) : null}
          {nav.sessionId !== undefined ? (
            <Chip
              testId="filter-session"
              label={`Session ${nav.sessionId}`}
              onClear={() => navigate({ ...nav, sessionId: undefined })}
            />
          ) : null}
          {nav.deviceId !== undefined ? (
            <Chip
              label={`Device ${nav.deviceId}`}
              onClear={() => navigate({ ...nav, deviceId: undefined })}
            />
          ) : null}
        </div>
        {list.error ? <p className="error">{list.error}</p> : null}
        {query && list.coverage && coverageNote(list.coverage, list.notIndexed) ? (
          <p className="muted" data-testid="checkins-coverage" data-coverage={list.coverage}>
            {coverageNote(list.coverage, list.notIndexed)}
          </p>
        ) : null}
        {query && list.capped && list.total !== null ? (
          <p className="muted" data-testid="checkins-capped">
            More than {list.total.toLocaleString()} check-ins match; the first{' '}
            {list.total.toLocaleString()} are listed. Add a word or a filter to narrow it down.
          </p>
        ) : null}
        {sortNote ? (
          <p className="muted" data-testid="checkins-sort-note">
            {sortNote}
          </p>
        ) : null}
        <VirtualTable
          label="Check-ins"
          testId="checkins"
          count={list.total ?? 0}
          row={list.row}
          rowKey={(r) => r.id}
          columns={detail ? columns.filter((c) => NARROW.has(c.key)) : columns}
          onRange={onRange}
          onActivate={open}
          sort={sort}
          onSort={(k) => toggleSort(k as CheckinSort)}
          rowClass={(r) => (r.reentry ? 'row-warn' : undefined)}
          empty={
            list.total === null
              ? 'Loading…'
              : query
                ? `Nothing matches “${query}”.`
                : 'No check-ins stored yet.'
          }
        />
      </div>
      {detail ? <CheckInPanel detail={detail} onClose={() => setDetail(null)} /> : null}
    </div>
  );
}

function CheckInPanel({ detail, onClose }: { detail: CheckInDetail; onClose: () => void }) {
  const fmt = useFormat();
  const raw = useMemo(() => {
    try {
      return JSON.stringify(JSON.parse(detail.raw), null, 2);
    } catch {
      return detail.raw;
    }
  }, [detail.raw]);
  const rows: Array<[string, string]> = [
    ['Ticket', detail.ticketId],
    ['Attendee', detail.attendeeName ?? '—'],
    ['E-mail', detail.attendeeEmail ?? '—'],
    ['Checked in', fmt.dateTime(detail.checkedInAt)],
    [
      'Received',
      `${fmt.dateTime(detail.receivedAt)} (lag ${duration(detail.receivedAt - detail.checkedInAt)})`,
    ],
    ['Gate', detail.gate || '—'],
    ['Device', detail.deviceId || '—'],
    ['Session', detail.sessionId],
    ['Product', detail.productId],
    ['Event', detail.eventId],
    ['Check-in id', detail.checkInId],
    ['Dedupe key', detail.key],
  ];
  return (
    <DetailPanel title="Check-in" label="Check-in detail" testId="checkin-detail" onClose={onClose}>
      {detail.reentry ? (
        <p className="warn-text">Re-entry: this ticket was scanned before.</p>
      ) : null}
      <dl className="fields">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <Id value={v} />
            </dd>
          </div>
        ))}
      </dl>
      {detail.sameTicket.length > 0 ? (
        <>
          <h3>Other scans of this ticket</h3>
          <ul className="plain">
            {detail.sameTicket.map((s) => (
              <li key={s.id}>
                {fmt.dateTime(s.checkedInAt)} · gate {s.gate || '—'} · {s.deviceId || '—'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Event as received</h3>
      <pre className="raw" data-testid="checkin-raw">
        {raw}
      </pre>
    </DetailPanel>
  );
}
