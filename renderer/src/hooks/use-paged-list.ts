/**
 * Pages of a long list fetched on demand for a virtualized table: only the pages in view are
 * asked for, a new request key starts over, and a refresh signal re-reads what is in view (new
 * rows shift a newest-first list) while forgetting the rest.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export const PAGE_SIZE = 100;

interface PagedState<T> {
  key: string;
  total: number | null;
  /** The order main says the rows are in, when it says (check-ins). */
  sortedBy: string | null;
  /** What main says about the whole list: `total` is a floor; how much a search looked at. */
  capped: boolean;
  coverage: string | null;
  /** Check-ins a search could not look at yet (coverage 'catching-up'). */
  notIndexed: number;
  pages: ReadonlyMap<number, ReadonlyArray<T>>;
  error: string | null;
}

export interface PagedList<T> {
  total: number | null;
  sortedBy: string | null;
  capped: boolean;
  coverage: string | null;
  notIndexed: number;
  row: (index: number) => T | undefined;
  onRange: (start: number, end: number) => void;
  error: string | null;
}

const empty = <T>(key: string): PagedState<T> => ({
  key,
  total: null,
  sortedBy: null,
  capped: false,
  coverage: null,
  notIndexed: 0,
  pages: new Map(),
  error: null,
});

export function usePagedList<T>(
  fetchPage: (
    offset: number,
    limit: number,
  ) => Promise<{
    total: number;
    rows: ReadonlyArray<T>;
    sortedBy?: string;
    capped?: boolean;
    coverage?: string;
    notIndexed?: number;
  }>,
  key: string,
  refresh: unknown,
): PagedList<T> {
  const [state, setState] = useState<PagedState<T>>(() => empty<T>(key));
  const fetchRef = useRef(fetchPage);
  const keyRef = useRef(key);
  const range = useRef<[number, number]>([0, PAGE_SIZE - 1]);
  const inflight = useRef(new Map<number, number>());
  const generation = useRef(0);

  useEffect(() => {
    fetchRef.current = fetchPage;
  });

  const load = useCallback((page: number, gen: number) => {
    if (inflight.current.get(page) === gen) return;
    inflight.current.set(page, gen);
    const forKey = keyRef.current;
    fetchRef
      .current(page * PAGE_SIZE, PAGE_SIZE)
      .then((res) => {
        if (gen !== generation.current) return;
        setState((s) => {
          const base = s.key === forKey ? s : empty<T>(forKey);
          const pages = new Map(base.pages);
          pages.set(page, res.rows);
          return {
            key: forKey,
            total: res.total,
            sortedBy: res.sortedBy ?? null,
            capped: res.capped ?? false,
            coverage: res.coverage ?? null,
            notIndexed: res.notIndexed ?? 0,
            pages,
            error: null,
          };
        });
      })
      .catch((error: unknown) => {
        if (gen !== generation.current) return;
        setState((s) => ({
          ...s,
          key: forKey,
          error: error instanceof Error ? error.message : String(error),
        }));
      })
      .finally(() => {
        if (inflight.current.get(page) === gen) inflight.current.delete(page);
      });
  }, []);

  const loadRange = useCallback(
    (gen: number, only?: ReadonlyMap<number, unknown>) => {
      const [start, end] = range.current;
      for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor(end / PAGE_SIZE); p++) {
        if (!only || !only.has(p)) load(p, gen);
      }
    },
    [load],
  );

  // A new request: start over from the top.
  useEffect(() => {
    keyRef.current = key;
    generation.current += 1;
    inflight.current.clear();
    range.current = [0, PAGE_SIZE - 1];
    loadRange(generation.current);
  }, [key, loadRange]);

  // New data: re-read the pages in view.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    generation.current += 1;
    inflight.current.clear();
    loadRange(generation.current);
  }, [refresh, loadRange]);

  const current = state.key === key ? state : empty<T>(key);
  const pages = current.pages;

  const onRange = useCallback(
    (start: number, end: number) => {
      range.current = [start, end];
      loadRange(generation.current, pages);
    },
    [loadRange, pages],
  );

  return {
    total: current.total,
    sortedBy: current.sortedBy,
    capped: current.capped,
    coverage: current.coverage,
    notIndexed: current.notIndexed,
    row: (i) => pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE],
    onRange,
    error: current.error,
  };
}
