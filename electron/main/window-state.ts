/**
 * Remembers the window's size and position between runs (JSON in the data folder, atomic write),
 * and never restores it somewhere the user cannot see: a monitor unplugged since, a resolution
 * changed. Restored bounds must show a usable part of the title bar on one of today's displays,
 * else the window is centred on the primary display. Plain Node: the window and screen come in
 * as small interfaces.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../files';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DisplayLike {
  readonly workArea: Rect;
}

export interface WindowState {
  readonly bounds: Rect;
  readonly maximized: boolean;
  readonly fullScreen: boolean;
}

export const WINDOW_STATE_FILE_NAME = 'window-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** How much of the title bar must be on a display to count as reachable. */
const GRIP = { width: 120, height: 40 } as const;

const int = z.number().int().min(-100_000).max(100_000);
const stateSchema = z.object({
  bounds: z.object({ x: int, y: int, width: int.positive(), height: int.positive() }),
  maximized: z.boolean().default(false),
  fullScreen: z.boolean().default(false),
});

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** A centred default-size window on the primary display. */
export function defaultBounds(primary: DisplayLike): Rect {
  const area = primary.workArea;
  const width = Math.min(DEFAULT_SIZE.width, area.width);
  const height = Math.min(DEFAULT_SIZE.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * The bounds to open with: the saved ones if their title bar is reachable on a current display
 * (shrunk to fit that display), otherwise the default.
 */
export function restoreBounds(
  saved: Rect | undefined,
  displays: ReadonlyArray<DisplayLike>,
  primary: DisplayLike,
): Rect {
  if (!saved) return defaultBounds(primary);
  const titleBar: Rect = { x: saved.x, y: saved.y, width: saved.width, height: GRIP.height };
  const home = displays.find((d) => {
    const o = overlap(titleBar, d.workArea);
    return (
      o.width >= Math.min(GRIP.width, saved.width) &&
      o.height >= Math.min(GRIP.height, saved.height)
    );
  });
  if (!home) return defaultBounds(primary);
  const area = home.workArea;
  const width = Math.max(Math.min(saved.width, area.width), Math.min(MIN_SIZE.width, area.width));
  const height = Math.max(
    Math.min(saved.height, area.height),
    Math.min(MIN_SIZE.height, area.height),
  );
  // Keep the window on its display after shrinking, title bar below the top edge.
  const x = Math.min(
    Math.max(saved.x, area.x - width + GRIP.width),
    area.x + area.width - GRIP.width,
  );
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - GRIP.height);
  return { x, y, width, height };
}

/** Reads the saved state; anything missing or damaged gives undefined (and the default window). */
export async function loadWindowState(file: string): Promise<WindowState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveWindowState(file: string, state: WindowState): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** The part of BrowserWindow the tracker uses. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isFullScreen(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

export interface WindowStateTracker {
  /** Writes the current state now (on close and before quit). */
  flush(): Promise<void>;
}

/**
 * Saves the state a moment after the user stops moving or resizing, and at once on close.
 * `getNormalBounds` so a maximized window comes back to its previous size when un-maximized.
 */
export function trackWindowState(
  win: TrackedWindow,
  file: string,
  options: {
    readonly debounceMs?: number;
    readonly log?: { warn(m: string): void };
    readonly setTimer?: (fn: () => void, ms: number) => unknown;
    readonly clearTimer?: (handle: unknown) => void;
  } = {},
): WindowStateTracker {
  const debounceMs = options.debounceMs ?? 500;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const log = options.log ?? { warn: (m: string) => console.warn(`[window-state] ${m}`) };
  let timer: unknown;
  let last: WindowState | undefined;
  let writing: Promise<void> = Promise.resolve();

  const capture = (): void => {
    if (win.isDestroyed()) return;
    last = {
      bounds: win.getNormalBounds(),
      maximized: win.isMaximized(),
      fullScreen: win.isFullScreen(),
    };
  };
  const write = (): Promise<void> => {
    if (!last) return writing;
    const state = last;
    writing = writing
      .then(() => saveWindowState(file, state))
      .catch((error: unknown) => log.warn(`could not save the window state: ${String(error)}`));
    return writing;
  };
  const schedule = (): void => {
    capture();
    if (timer !== undefined) clearTimer(timer);
    timer = setTimer(() => {
      timer = undefined;
      void write();
    }, debounceMs);
  };

  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
    win.on(event, schedule);
  win.on('close', () => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    capture();
    void write();
  });

  return {
    flush() {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      capture();
      return write();
    },
  };
}
