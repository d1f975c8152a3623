/**
 * A virtualized, keyboard-driven table (@tanstack/react-virtual): only the rows in view are in
 * the DOM, so a million rows scroll as smoothly as ten. Arrow keys, Page Up/Down, Home/End move
 * the active row; Enter (or a click) opens it. Rows not loaded yet render as placeholders and
 * `onRange` tells the owner which rows to fetch.
 *
 * Header and rows share one scroll box (the header sticks to its top), so a table wider than the
 * window scrolls sideways with its header. Sortable columns have a header button (click, or Tab
 * to it and Enter); `aria-sort` says the current order.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { SortState } from '../state/view-sort';
import { Id } from './bits';

export interface Column<T> {
  readonly key: string;
  readonly header: string;
  /** A CSS grid track, e.g. '8rem' or 'minmax(10rem, 2fr)'. */
  readonly width: string;
  readonly render: (row: T) => ReactNode;
  readonly align?: 'right';
  /** The sort key this column's header sets; absent: not sortable. */
  readonly sort?: string;
  /** A longer header for the tooltip and screen readers ("per minute, last 5 minutes"). */
  readonly title?: string;
}

/** A column showing one id-like text of the row (<Id>: one line, full text on hover). */
export function idColumn<T>(
  key: string,
  header: string,
  width: string,
  value: (row: T) => string,
  /** What an empty text shows (Id's default: '—'). */
  empty?: string,
  sort?: string,
): Column<T> {
  return {
    key,
    header,
    width,
    render: (row) => <Id value={value(row)} empty={empty} />,
    ...(sort ? { sort } : {}),
  };
}

export interface VirtualTableProps<T> {
  readonly count: number;
  readonly row: (index: number) => T | undefined;
  readonly rowKey: (row: T, index: number) => string;
  readonly columns: ReadonlyArray<Column<T>>;
  readonly onActivate?: (row: T, index: number) => void;
  readonly onRange?: (start: number, end: number) => void;
  readonly label: string;
  readonly testId: string;
  readonly empty: ReactNode;
  readonly rowHeight?: number;
  readonly rowClass?: (row: T) => string | undefined;
  readonly sort?: SortState;
  readonly onSort?: (key: string) => void;
}

const HEAD_HEIGHT = 38;
const REM = 16;

/** The narrowest a track can get, in px: '8rem' → 128, 'minmax(9rem, 2fr)' → 144. */
function minWidth(track: string): number {
  const m = /(\d+(?:\.\d+)?)rem/.exec(track);
  return m ? Number(m[1]) * REM : 64;
}

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { count, row, rowKey, columns, onActivate, onRange, label, testId, empty } = props;
  const rowHeight = props.rowHeight ?? 40;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // The virtualizer is re-read on every render on purpose; nothing memoizes it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    scrollMargin: HEAD_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (last >= first) onRange?.(first, last);
  }, [first, last, onRange]);

  const template = columns.map((c) => c.width).join(' ');
  // Padding of the row (0.75rem each side) and the gaps between tracks (0.5rem).
  const width = columns.reduce((w, c) => w + minWidth(c.width), 0) + 24 + (columns.length - 1) * 8;
  const activeIndex = Math.min(active, Math.max(0, count - 1));

  const move = (to: number): void => {
    const next = Math.max(0, Math.min(count - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (count === 0 || e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) - 2);
    const keys: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: count - 1,
    };
    const to = keys[e.key];
    if (to !== undefined) {
      e.preventDefault();
      move(to);
    } else if (e.key === 'Enter') {
      const r = row(activeIndex);
      if (r !== undefined) {
        e.preventDefault();
        onActivate?.(r, activeIndex);
      }
    }
  };

  const header = (
    <div
      className="vtable-head"
      style={{ gridTemplateColumns: template, minWidth: width, height: HEAD_HEIGHT }}
      role="row"
    >
      {columns.map((c) => {
        const sorted = props.sort && c.sort && props.sort.key === c.sort ? props.sort.dir : null;
        const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none';
        return (
          <div
            key={c.key}
            role="columnheader"
            className={c.align === 'right' ? 'num' : undefined}
            aria-sort={c.sort && props.onSort ? ariaSort : undefined}
            title={c.title}
          >
            {c.sort && props.onSort ? (
              <button
                type="button"
                className={`sort${sorted ? ' sorted' : ''}`}
                data-testid={`${testId}-sort-${c.sort}`}
                data-dir={sorted ?? undefined}
                onClick={() => props.onSort?.(c.sort!)}
                aria-label={`Sort by ${c.title ?? c.header}`}
              >
                {c.header}
                <span className="sort-mark" aria-hidden>
                  {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                </span>
              </button>
            ) : (
              c.header
            )}
          </div>
        );
      })}
    </div>
  );

  return (
    <div className="vtable" data-testid={testId} data-count={count}>
      <div
        ref={scrollRef}
        className="vtable-body"
        tabIndex={0}
        role="grid"
        aria-label={label}
        aria-rowcount={count}
        aria-activedescendant={count > 0 ? `${testId}-r${activeIndex}` : undefined}
        data-focus-target
        onKeyDown={onKeyDown}
      >
        {header}
        {count === 0 ? (
          <div className="empty" data-testid={`${testId}-empty`} style={{ minWidth: width }}>
            {empty}
          </div>
        ) : (
          <div
            style={{
              height: virtualizer.getTotalSize(),
              position: 'relative',
              minWidth: width,
            }}
          >
            {items.map((item) => {
              const r = row(item.index);
              const isActive = item.index === activeIndex;
              return (
                <div
                  key={r === undefined ? `p${item.index}` : rowKey(r, item.index)}
                  id={`${testId}-r${item.index}`}
                  role="row"
                  aria-rowindex={item.index + 1}
                  aria-selected={isActive}
                  data-testid={r === undefined ? `${testId}-placeholder` : `${testId}-row`}
                  className={`vtable-row${isActive ? ' active' : ''}${r && props.rowClass ? ` ${props.rowClass(r) ?? ''}` : ''}`}
                  style={{
                    gridTemplateColumns: template,
                    height: rowHeight,
                    transform: `translateY(${item.start - HEAD_HEIGHT}px)`,
                  }}
                  onClick={() => {
                    setActive(item.index);
                    if (r !== undefined) onActivate?.(r, item.index);
                  }}
                >
                  {r === undefined
                    ? columns.map((c) => (
                        <div key={c.key} className="loading-cell" aria-hidden>
                          …
                        </div>
                      ))
                    : columns.map((c) => (
                        <div
                          key={c.key}
                          role="gridcell"
                          className={c.align === 'right' ? 'num' : undefined}
                        >
                          {c.render(r)}
                        </div>
                      ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
