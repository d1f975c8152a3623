/**
 * The dashboard end to end: `gate-ops headless` on a relay simulator, driven in Chromium.
 * The figures on screen must equal `gate-ops stats --json` once the store is quiescent.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaySimulator } from '../../electron/demo-venue';
import {
  ensureRendererBuilt,
  numberAt,
  openBrowser,
  screenshot,
  startHeadless,
  startQuiescentDashboard,
  startSim,
  storeStats,
  tempDir,
  waitQuiescent,
  writeTokenFile,
  type QuiescentDashboard,
} from '../helpers/e2e';

const TOKEN = 'e2e-relay-token-0123456789';

describe('dashboard on a quiescent store', () => {
  let app: QuiescentDashboard;

  beforeAll(async () => {
    app = await startQuiescentDashboard({
      prefix: 'quiet',
      token: TOKEN,
      backlog: 2500,
      backlogSpanMs: 40 * 60_000,
    });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('shows the same totals and per-gate counts as gate-ops stats', async () => {
    const s = await storeStats(app.dir);
    expect(s.checkins).toBeGreaterThan(1000);
    const { page } = app.browser;
    await expect.poll(() => numberAt(page, 'total-checkins'), { timeout: 20_000 }).toBe(s.checkins);
    expect(await numberAt(page, 'total-reentries')).toBe(s.reentries);
    expect(await numberAt(page, 'total-quarantined')).toBe(s.quarantined);
    const rows = page.getByTestId('overview-gate-row');
    const shown: Record<string, number> = {};
    for (const row of await rows.all()) {
      const gate = (await row.getAttribute('data-gate')) ?? '';
      shown[gate] = Number((await row.getByTestId('gate-count').innerText()).replace(/\D/g, ''));
    }
    expect(shown).toEqual(s.perGate);
    const chartTotal = Number(await page.getByTestId('arrivals-chart').getAttribute('data-total'));
    expect(chartTotal).toBe(s.checkins); // the 40-minute backlog fits the 3-hour chart
    await expect
      .poll(() => page.getByTestId('relay-banner').getAttribute('data-relay-state'))
      .toBe('live');
    await screenshot(page, 'overview-light');
  }, 90_000);

  it('drills down from gate to session to its check-ins', async () => {
    const s = await storeStats(app.dir);
    const { page } = app.browser;
    await page.keyboard.press('2');
    const gates = page.getByTestId('gates');
    await gates.getByTestId('gates-row').first().waitFor();
    await gates.getByRole('grid').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const chip = page.getByTestId('filter-gate');
    await chip.waitFor();
    const gate = (await chip.innerText()).replace(/^Gate /, '').replace(/\s*×$/, '');
    await page.getByTestId('sessions-row').first().waitFor();
    for (const row of (await page.getByTestId('sessions-row').all()).slice(0, 5)) {
      expect(await row.locator('[role=gridcell]').nth(3).innerText()).toBe(gate);
    }
    await screenshot(page, 'sessions-by-gate');
    const firstSession = page.getByTestId('sessions-row').first();
    const sessionId = await firstSession.locator('[role=gridcell]').first().innerText();
    await firstSession.click();
    await page.getByTestId('filter-session').waitFor();
    await screenshot(page, 'checkins-of-session-first');
    await expect.poll(() => numberAt(page, 'checkins-total')).toBe(s.perSession[sessionId]);
    await page.getByTestId('checkins-row').first().waitFor();
    await screenshot(page, 'checkins-of-session');
  }, 90_000);

  it('searches check-ins by ticket id, name and e-mail prefix', async () => {
    const { page } = app.browser;
    // Reopening the view from the nav clears the drill-down filters.
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('nav-checkins').click();
    const first = page.getByTestId('checkins-row').first();
    await first.waitFor();
    await first.click();
    const detail = page.getByTestId('checkin-detail');
    await detail.waitFor();
    const raw = JSON.parse(await page.getByTestId('checkin-raw').innerText());
    const ticket: string = raw.data.ticket_id;
    const name: string = raw.data.attendee.name;
    const email: string = raw.data.attendee.email;
    await screenshot(page, 'checkin-detail');
    await page.keyboard.press('Escape');
    const search = page.getByTestId('search-input');
    // Every row shown matches, and the check-in opened above is among them (not stale rows).
    const check = async (text: string, expectRow: (cells: string[]) => boolean) => {
      await search.fill(text);
      await expect
        .poll(async () => {
          const rows = await page.getByTestId('checkins-row').all();
          if (rows.length === 0) return false;
          const cells = await Promise.all(
            rows.slice(0, 10).map((r) => r.locator('[role=gridcell]').allInnerTexts()),
          );
          return cells.every(expectRow) && cells.some((c) => c[1] === ticket);
        })
        .toBe(true);
    };
    await check(
      ticket,
      (c) => c[1] === ticket || (c[2] ?? '').toLowerCase().startsWith(ticket.toLowerCase()),
    );
    await check(
      name.slice(0, 5).toUpperCase(),
      (c) =>
        (c[2] ?? '').toLowerCase().startsWith(name.slice(0, 5).toLowerCase()) ||
        (c[1] ?? '').startsWith(name.slice(0, 5).toUpperCase()),
    );
    await check(email, (c) => c[3] === email);
    await search.fill('zz-no-such-ticket-zz');
    await page.getByTestId('checkins-empty').waitFor();
    await screenshot(page, 'search-empty');
  }, 90_000);

  it('lists alerts, acknowledges one, and keeps the acknowledgement after a reload', async () => {
    const { page } = app.browser;
    await page.getByTestId('nav-alerts').click();
    await page.getByTestId('alert').first().waitFor();
    const before = await numberAt(page, 'alerts-open-count');
    expect(before).toBeGreaterThan(0);
    const kinds = await page
      .getByTestId('alert')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toContain('quarantine');
    expect(kinds).toContain('reentry');
    await screenshot(page, 'alerts');
    // Acknowledge a re-entry: history, so it cannot clear by itself (idle devices come and go).
    const reentry = page.locator('[data-testid="alert"][data-kind="reentry"]').first();
    const id = await reentry.getAttribute('data-alert-id');
    await reentry.getByTestId('alert-ack').click();
    const acked = page.locator(`[data-alert-id="${id}"]`);
    await expect.poll(() => acked.count()).toBe(0);
    await page.reload();
    await page.locator('[data-state="ready"]').waitFor();
    await page.keyboard.press('6');
    await page.getByTestId('alert').first().waitFor();
    expect(await acked.count()).toBe(0);
    await page.getByText('Show acknowledged').click();
    await expect.poll(() => acked.count()).toBe(1);
    expect(await acked.getAttribute('class')).toContain('acked');
  }, 90_000);

  it('shows quarantined messages with the reason and raw payload', async () => {
    const s = await storeStats(app.dir);
    const { page } = app.browser;
    await page.getByTestId('nav-quarantine').click();
    await expect.poll(() => numberAt(page, 'quarantine-total')).toBe(s.quarantined);
    // Seed 7's backlog holds invalid messages: the detail below must run, not be skipped.
    expect(s.quarantined).toBeGreaterThan(0);
    await page.getByTestId('quarantine-row').first().click();
    await page.getByTestId('quarantine-detail').waitFor();
    expect((await page.getByTestId('quarantine-reasons').innerText()).length).toBeGreaterThan(0);
    await screenshot(page, 'quarantine-detail');
  }, 90_000);
});

describe('relay link loss', () => {
  it('shows the banner while the relay is gone and recovers by itself', async () => {
    ensureRendererBuilt();
    const dir = tempDir('link');
    const sim = await startSim({ token: TOKEN, backlog: 300, rate: 5 });
    const run = await startHeadless(
      ['--relay', sim.url, '--token-file', writeTokenFile(dir, TOKEN)],
      dir,
    );
    const browser = await openBrowser(run.url, { colorScheme: 'dark' });
    const { page } = browser;
    try {
      const banner = page.getByTestId('relay-banner');
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 20_000 })
        .toBe('live');
      await expect
        .poll(() => numberAt(page, 'total-checkins'), { timeout: 20_000 })
        .toBeGreaterThanOrEqual(300);
      // Looking elsewhere: the banner counts what arrived meanwhile.
      await page.evaluate(() => window.dispatchEvent(new Event('blur')));
      const away = await numberAt(page, 'total-checkins');
      await expect
        .poll(() => numberAt(page, 'total-checkins'), { timeout: 20_000 })
        .toBeGreaterThan(away + 3);
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      const badge = page.getByTestId('away-count');
      await badge.waitFor();
      expect(Number((await badge.innerText()).replace(/\D/g, ''))).toBeGreaterThan(3);
      await screenshot(page, 'overview-dark-live');
      await badge.click();
      await badge.waitFor({ state: 'detached' });
      // Scrolled down the live check-in list holds still and says there is more above.
      await page.keyboard.press('5');
      const grid = page.getByTestId('checkins').getByRole('grid');
      await page.getByTestId('checkins-row').first().waitFor();
      await grid.focus();
      await page.keyboard.press('End');
      const above = page.getByTestId('checkins-new-above');
      await above.waitFor({ timeout: 20_000 });
      await page.keyboard.press('Home');
      await above.waitFor({ state: 'detached' });
      await page.keyboard.press('1');
      const back = sim.restart(6000);
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 20_000 })
        .toMatch(/reconnecting|connecting/);
      expect(await page.getByTestId('relay-state').innerText()).toMatch(/Reconnecting|Connecting/);
      await screenshot(page, 'banner-reconnecting-dark');
      await back;
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 40_000 })
        .toBe('live');
      const before = await numberAt(page, 'total-checkins');
      await expect
        .poll(() => numberAt(page, 'total-checkins'), { timeout: 20_000 })
        .toBeGreaterThan(before);
    } finally {
      await browser.close();
      await run.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('offline review', () => {
  it('browses what is stored with the relay unreachable, then resumes when it comes back', async () => {
    ensureRendererBuilt();
    const dir = tempDir('offline');
    const tokenFile = writeTokenFile(dir, TOKEN);
    const sim = await startSim({ token: TOKEN, backlog: 800, rate: 0 });
    const port = sim.port;
    const first = await startHeadless(['--relay', sim.url, '--token-file', tokenFile], dir);
    await waitQuiescent(sim, first);
    await first.stop();
    const cursor = sim.history.sequenceAt(sim.history.length - 1)!;
    const url = sim.url;
    await sim.stop();
    const stored = (await storeStats(dir)).checkins;

    const run = await startHeadless(['--relay', url, '--token-file', tokenFile], dir);
    const browser = await openBrowser(run.url);
    const { page } = browser;
    let again: RelaySimulator | undefined;
    try {
      const banner = page.getByTestId('relay-banner');
      expect(await banner.getAttribute('data-relay-state')).not.toBe('live');
      expect(await numberAt(page, 'total-checkins')).toBe(stored);
      await page.keyboard.press('5');
      await page.getByTestId('checkins-row').first().waitFor();
      expect(await numberAt(page, 'checkins-total')).toBe(stored);
      await page.keyboard.press('1');
      await screenshot(page, 'offline-review');

      again = await startSim({
        token: TOKEN,
        port,
        backlog: 50,
        rate: 0,
        seed: 99,
        sequenceBase: Number(cursor),
      });
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 60_000 })
        .toBe('live');
      await expect
        .poll(() => numberAt(page, 'total-checkins'), { timeout: 30_000 })
        .toBeGreaterThan(stored);
    } finally {
      await browser.close();
      await run.stop();
      await again?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('demo relay', () => {
  it('says clearly that the data is simulated', async () => {
    ensureRendererBuilt();
    const dir = tempDir('demo');
    const run = await startHeadless([], dir);
    const browser = await openBrowser(run.url);
    try {
      const { page } = browser;
      await page.getByTestId('demo-badge').waitFor();
      expect(await page.getByTestId('demo-badge').innerText()).toMatch(/SIMULATED/);
      await expect
        .poll(() => page.getByTestId('relay-banner').getAttribute('data-relay-state'), {
          timeout: 20_000,
        })
        .toBe('live');
      await expect
        .poll(() => numberAt(page, 'total-checkins'), { timeout: 30_000 })
        .toBeGreaterThan(0);
      await screenshot(page, 'demo-overview');
      await page.keyboard.press('4');
      await page.getByTestId('devices-row').first().waitFor();
      await screenshot(page, 'devices');
      // Settings: saved by main, applied at once (theme), kept for the next page.
      await page.keyboard.press('9');
      const form = page.getByTestId('settings-form');
      await form.waitFor();
      await form.getByLabel('Theme').selectOption('dark');
      await form.getByRole('spinbutton').first().fill('7');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.evaluate(() => document.documentElement.dataset['theme']))
        .toBe('dark');
      await screenshot(page, 'settings-dark');
      await page.reload();
      await page.locator('[data-state="ready"]').waitFor();
      await page.keyboard.press('9');
      await expect.poll(() => form.getByRole('spinbutton').first().inputValue()).toBe('7');
    } finally {
      await browser.close();
      await run.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
