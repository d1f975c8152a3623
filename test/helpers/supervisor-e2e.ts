/**
 * Helpers for the supervisor-question e2e tests (issue 15): a dashboard on a relay simulator
 * with a chosen traffic mix, the cells of a virtual table, and spies on what the page does
 * with notifications and sound (installed before the app's own scripts run).
 */
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { RelaySimulator } from '../../electron/demo-venue';
import type { GeneratorMix } from '../../electron/demo-venue/event-generator';
import {
  ensureRendererBuilt,
  openBrowser,
  startHeadless,
  startSim,
  tempDir,
  waitQuiescent,
  writeTokenFile,
  type Browser,
  type HeadlessRun,
} from './e2e';

export interface Dashboard {
  readonly sim: RelaySimulator;
  readonly run: HeadlessRun;
  readonly browser: Browser;
  readonly page: Page;
  readonly dir: string;
  close(): Promise<void>;
}

export interface DashboardOptions {
  readonly prefix: string;
  readonly token?: string;
  /** The token gate-ops uses (default: the relay's): a wrong one is refused. */
  readonly clientToken?: string;
  readonly backlog?: number;
  readonly backlogSpanMs?: number;
  readonly rate?: number;
  readonly mix?: Partial<GeneratorMix>;
  readonly seed?: number;
  /** Wait until the store holds the whole backlog before opening the page (default true). */
  readonly quiescent?: boolean;
  readonly colorScheme?: 'light' | 'dark';
  readonly viewport?: { width: number; height: number };
  /** Runs in the page before the app (spies). */
  readonly initScript?: string;
  readonly waitReady?: boolean;
}

export const TOKEN = 'e2e-supervisor-token-0123456789';

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  ensureRendererBuilt();
  const dir = tempDir(options.prefix);
  const token = options.token ?? TOKEN;
  let sim: RelaySimulator | undefined;
  let run: HeadlessRun | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await run?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sim = await startSim({
      token,
      backlog: options.backlog ?? 0,
      ...(options.backlogSpanMs !== undefined ? { backlogSpanMs: options.backlogSpanMs } : {}),
      rate: options.rate ?? 0,
      ...(options.mix ? { mix: options.mix } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    run = await startHeadless(
      ['--relay', sim.url, '--token-file', writeTokenFile(dir, options.clientToken ?? token)],
      dir,
    );
    if (options.quiescent !== false && (options.backlog ?? 0) > 0) await waitQuiescent(sim, run);
    browser = await openBrowser(run.url, {
      colorScheme: options.colorScheme ?? 'light',
      waitReady: false,
    });
    const page = browser.page;
    await page.setViewportSize(options.viewport ?? { width: 1280, height: 800 });
    if (options.initScript) {
      await page.addInitScript(options.initScript);
      await page.reload();
    }
    if (options.waitReady !== false)
      await page.locator('[data-state="ready"]').waitFor({ timeout: 30_000 });
    return { sim, run, browser, page, dir, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The text of every cell of the rendered rows of a virtual table (header order). */
export async function tableCells(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .getByTestId(`${testId}-row`)
    .evaluateAll((rows) =>
      rows
        .map((r) => ({
          i: Number(r.getAttribute('aria-rowindex')),
          cells: [...r.querySelectorAll('[role=gridcell]')].map((c) =>
            (c as HTMLElement).innerText.trim(),
          ),
        }))
        .sort((a, b) => a.i - b.i)
        .map((r) => r.cells),
    );
}

/** The column index of a header in a virtual table. */
export async function columnIndex(page: Page, testId: string, header: string): Promise<number> {
  const headers = await page
    .getByTestId(testId)
    .locator('[role=columnheader]')
    .evaluateAll((hs) => hs.map((h) => (h as HTMLElement).innerText.replace(/[▲▼↕]/g, '').trim()));
  const i = headers.indexOf(header);
  if (i < 0) throw new Error(`no column "${header}" in ${testId}: ${headers.join(' | ')}`);
  return i;
}

export const toNumber = (text: string): number => Number(text.replace(/[^\d.-]/g, ''));

/**
 * Records notifications the page raises (granted) and the tones it starts, in
 * `window.__notified` and `window.__tones`.
 */
export const SPY_NOTIFICATIONS = `
  (() => {
    const notified = [];
    const tones = [];
    window.__notified = notified;
    window.__tones = tones;
    class FakeNotification {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title, options) { notified.push({ title, body: options && options.body }); }
      close() {}
    }
    window.Notification = FakeNotification;
    const Real = window.AudioContext;
    if (Real) {
      const create = Real.prototype.createOscillator;
      Real.prototype.createOscillator = function () {
        tones.push(Date.now());
        return create.call(this);
      };
    }
  })();
`;
