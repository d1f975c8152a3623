import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultBounds,
  loadWindowState,
  restoreBounds,
  saveWindowState,
  trackWindowState,
  type DisplayLike,
  type Rect,
  type WindowState,
} from '../../../../electron/main/window-state';

const laptop: DisplayLike = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const external: DisplayLike = { workArea: { x: 1440, y: 0, width: 2560, height: 1440 } };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateops-win-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('restoreBounds', () => {
  it('keeps saved bounds that are fully visible', () => {
    const saved = { x: 100, y: 100, width: 1000, height: 700 };
    expect(restoreBounds(saved, [laptop], laptop)).toEqual(saved);
    const onExternal = { x: 2000, y: 200, width: 1600, height: 1000 };
    expect(restoreBounds(onExternal, [laptop, external], laptop)).toEqual(onExternal);
  });

  it('falls back to a centred default when the monitor it was on is gone', () => {
    const onExternal = { x: 2000, y: 200, width: 1600, height: 1000 };
    expect(restoreBounds(onExternal, [laptop], laptop)).toEqual(defaultBounds(laptop));
    expect(restoreBounds(undefined, [laptop], laptop)).toEqual(defaultBounds(laptop));
    expect(
      restoreBounds({ x: -5000, y: -5000, width: 800, height: 600 }, [laptop], laptop),
    ).toEqual(defaultBounds(laptop));
  });

  it('shrinks a window larger than its display and keeps the title bar reachable', () => {
    const r = restoreBounds({ x: 10, y: 30, width: 4000, height: 3000 }, [laptop], laptop);
    expect(r.width).toBe(1440);
    expect(r.height).toBe(875);
    expect(r.y).toBeGreaterThanOrEqual(25);
  });

  it('defaultBounds fits a small display', () => {
    const tiny: DisplayLike = { workArea: { x: 0, y: 0, width: 1024, height: 600 } };
    expect(defaultBounds(tiny)).toEqual({ x: 0, y: 0, width: 1024, height: 600 });
  });

  it('property: whatever was saved, the title bar lands on a current display', () => {
    const rect = fc.record({
      x: fc.integer({ min: -6000, max: 6000 }),
      y: fc.integer({ min: -6000, max: 6000 }),
      width: fc.integer({ min: 1, max: 8000 }),
      height: fc.integer({ min: 1, max: 8000 }),
    });
    fc.assert(
      fc.property(rect, fc.boolean(), (saved: Rect, both) => {
        const displays = both ? [laptop, external] : [laptop];
        const r = restoreBounds(saved, displays, laptop);
        const visible = displays.some((d) => {
          const a = d.workArea;
          const w = Math.min(r.x + r.width, a.x + a.width) - Math.max(r.x, a.x);
          const h = Math.min(r.y + 40, a.y + a.height) - Math.max(r.y, a.y);
          return w >= Math.min(120, r.width) && h >= Math.min(40, r.height) && r.y >= a.y;
        });
        expect(visible).toBe(true);
        expect(r.width).toBeGreaterThan(0);
        expect(r.height).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('window state file', () => {
  it('round-trips, and a damaged or missing file gives undefined', async () => {
    const file = join(dir, 'window-state.json');
    expect(await loadWindowState(file)).toBeUndefined();
    const state = {
      bounds: { x: 1, y: 2, width: 900, height: 700 },
      maximized: true,
      fullScreen: false,
    };
    await saveWindowState(file, state);
    expect(await loadWindowState(file)).toEqual(state);
    expect(await readdir(dir)).toEqual(['window-state.json']);
    for (const bad of [
      '{',
      '[]',
      '{"bounds":{"x":"1"}}',
      '{"bounds":{"x":1,"y":1,"width":-5,"height":5}}',
    ]) {
      await writeFile(file, bad);
      expect(await loadWindowState(file)).toBeUndefined();
    }
  });

  it('the tracker saves after moves settle and at once on close', async () => {
    const file = join(dir, 'window-state.json');
    const listeners = new Map<string, () => void>();
    let bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
    const win = {
      getNormalBounds: () => bounds,
      isMaximized: () => false,
      isFullScreen: () => false,
      isDestroyed: () => false,
      on: (event: string, l: () => void) => listeners.set(event, l),
    };
    const timers: Array<() => void> = [];
    const tracker = trackWindowState(win, file, {
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    });
    // Waits for the file itself (not tracker.flush(), which would save by itself).
    const savedWith = async (x: number): Promise<WindowState> => {
      for (;;) {
        const state = await loadWindowState(file);
        if (state?.bounds.x === x) return state;
        await new Promise((r) => setImmediate(r));
      }
    };
    listeners.get('move')!();
    expect(timers).toHaveLength(1);
    expect(await loadWindowState(file)).toBeUndefined();
    timers[0]!();
    expect((await savedWith(10)).bounds).toEqual(bounds);
    bounds = { ...bounds, x: 300 };
    listeners.get('close')!();
    expect(timers).toHaveLength(1); // on close, no debounce
    expect((await savedWith(300)).bounds).toEqual(bounds);
    await tracker.flush();
  });
});
