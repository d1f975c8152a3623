/**
 * The sort of each list view, kept while the supervisor moves between views and across a
 * reload (localStorage; a blocked storage only loses the reload part).
 */
import { useCallback, useState } from 'react';

export type SortDir = 'asc' | 'desc';
export interface SortState<K extends string = string> {
  readonly key: K;
  readonly dir: SortDir;
}

const STORAGE_KEY = 'gate-ops-sorts';
const memory = new Map<string, SortState>();

function readStored(): Record<string, SortState> {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, SortState>) : {};
  } catch {
    return {};
  }
}

function store(view: string, sort: SortState): void {
  memory.set(view, sort);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...readStored(), [view]: sort }));
  } catch {
    /* storage blocked: kept for this page only */
  }
}

/**
 * The view's sort and a toggle: a new column starts in its natural direction (`natural`), the
 * same column again flips it. Keys not in `keys` (an older version's) fall back to the default.
 */
export function useViewSort<K extends string>(
  view: string,
  /** The keys this view knows; null: any (columns that come and go, like products). */
  keys: ReadonlyArray<K> | null,
  fallback: SortState<K>,
  natural: (key: K) => SortDir,
): [SortState<K>, (key: K) => void] {
  const [sort, setSort] = useState<SortState<K>>(() => {
    const known = memory.get(view) ?? readStored()[view];
    return known &&
      typeof known.key === 'string' &&
      (keys === null || (keys as ReadonlyArray<string>).includes(known.key)) &&
      (known.dir === 'asc' || known.dir === 'desc')
      ? (known as SortState<K>)
      : fallback;
  });
  const toggle = useCallback(
    (key: K) => {
      setSort((s) => {
        const next: SortState<K> =
          s.key === key
            ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
            : { key, dir: natural(key) };
        store(view, next);
        return next;
      });
    },
    [view, natural],
  );
  return [sort, toggle];
}
