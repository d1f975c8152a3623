/**
 * One check-in CloudEvent as the relay sends it, for e2e tests that need exact data (names,
 * zones, times) rather than the demo venue's traffic. Append it with `sim.appendRaw`.
 */
import { formatSequence } from '../../electron/demo-venue/relay-history';
import type { RelaySimulator } from '../../electron/demo-venue';

export interface CheckInEventFields {
  readonly id: string;
  readonly checkedInAt: number;
  readonly ticketId: string;
  readonly name?: string;
  readonly email?: string;
  readonly gate?: string;
  readonly deviceId?: string;
  readonly sessionId?: string;
  /** Producer fields the contract does not define (kept by the app), e.g. venue_time_zone. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export function checkInEvent(f: CheckInEventFields, sequence: string): string {
  const at = new Date(f.checkedInAt).toISOString();
  return JSON.stringify({
    data: {
      attendee: { email: f.email ?? `${f.id}@example.com`, name: f.name ?? `Guest ${f.id}` },
      check_in_id: f.id,
      checked_in_at: at,
      device_id: f.deviceId ?? 'dev-t',
      event_id: 'evt-festival',
      event_product_id: 'prod-day-pass',
      event_type: 'ticketing.check_in.created',
      gate: f.gate ?? 'Main',
      occurred_at: at,
      scanner_session_id: f.sessionId ?? 'ses-t',
      schema_version: '1.0',
      ticket_id: f.ticketId,
      ...f.extra,
    },
    datacontenttype: 'application/json',
    dataschema: 'https://schemas.cope.com/events/ticketing.check_in.created/v1',
    id: `ticketing.check_in.created:${f.id}`,
    idempotency_key: `ticketing.check_in.created:${f.id}`,
    source: 'cope.ticketing',
    specversion: '1.0',
    subject: `check_in:${f.id}`,
    time: at,
    type: 'ticketing.check_in.created',
    sequence,
  });
}

/** Appends check-ins to the simulator's history, each with the next relay sequence. */
export function appendCheckIns(sim: RelaySimulator, events: ReadonlyArray<CheckInEventFields>) {
  for (const e of events) sim.appendRaw(checkInEvent(e, formatSequence(sim.history.length + 1)));
}
