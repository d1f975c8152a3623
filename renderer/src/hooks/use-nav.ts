/**
 * The app's navigation as browser history: each view and filter change is a history entry (the
 * URL hash), Back/Forward (button, Alt+←, Backspace) move through them without leaving the app,
 * a reload restores the place. Bare view keys work everywhere except in text fields, and put
 * the focus in the new view's table (or its first control).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { hashToNav, keyCommand, navToHash, sameNav, typesText, type Nav } from '../nav';

interface Entry {
  readonly nav: Nav;
  /** How many app entries lie behind this one (0: the first; Back would leave the app). */
  readonly depth: number;
}

function readEntry(): Entry {
  const state = history.state as Partial<Entry> | null;
  const nav = hashToNav(location.hash) ?? { view: 'overview' };
  return { nav, depth: typeof state?.depth === 'number' ? state.depth : 0 };
}

/**
 * Moves the focus into `view`'s table (or first control) once that view has rendered. If the
 * user puts the focus somewhere else before that (a click, a Tab), theirs wins: a late frame
 * never pulls the focus back out of the control they just chose.
 */
function focusView(view: string, search: boolean): void {
  let tries = 0;
  const before = document.activeElement;
  const attempt = () => {
    const now = document.activeElement;
    if (now !== before && now !== null && now !== document.body) return;
    const main = document.querySelector<HTMLElement>('main.content');
    const shown = main?.dataset['view'] === view;
    const target = !shown
      ? null
      : search
        ? document.getElementById('search')
        : (main.querySelector<HTMLElement>('[data-focus-target]') ??
          main.querySelector<HTMLElement>('input, select, button, [tabindex="0"]'));
    // Focus without scrolling the view: the top (the totals) stays in sight.
    if (target) target.focus({ preventScroll: true });
    else if (tries++ < 30) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

export function useNav(): { nav: Nav; navigate: (next: Nav) => void; back: () => void } {
  const [entry, setEntryState] = useState<Entry>(readEntry);
  const current = useRef(entry);
  const setEntry = useCallback((e: Entry) => {
    current.current = e;
    setEntryState(e);
  }, []);

  useEffect(() => {
    // The first entry gets its state; later ones are pushed by navigate.
    history.replaceState(
      { depth: entry.depth },
      '',
      `${location.pathname}${location.search}${navToHash(entry.nav)}`,
    );
    const onPop = () => setEntry(readEntry());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const navigate = useCallback(
    (next: Nav) => {
      const now = current.current;
      if (sameNav(now.nav, next)) return;
      const e = { nav: next, depth: now.depth + 1 };
      history.pushState(
        { depth: e.depth },
        '',
        `${location.pathname}${location.search}${navToHash(next)}`,
      );
      setEntry(e);
    },
    [setEntry],
  );

  const back = useCallback(() => {
    if (current.current.depth > 0) history.back();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const inText = typesText(e.target as Element | null);
      if (e.altKey && e.key === 'ArrowLeft' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        back();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || inText) return;
      if (e.key === 'Backspace') {
        e.preventDefault();
        back();
        return;
      }
      const command = keyCommand(e.key);
      if (!command) return;
      e.preventDefault();
      const now = current.current.nav;
      if (!(command.search && now.view === command.view)) navigate({ view: command.view });
      focusView(command.view, command.search);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, back]);

  return { nav: entry.nav, navigate, back };
}
