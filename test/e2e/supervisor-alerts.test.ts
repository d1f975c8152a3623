/**
 * Issue 15, "alerts that help" and "honest status", asked through the UI: the relay goes down
 * and comes back (a critical alert with a desktop notification, a sound and the window title,
 * cleared into history; the outage listed with what it caught up; "caught up N" in the banner),
 * a link that is live but stores nothing, conflicts that jump, and a refused token with Retry
 * now.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSequence } from '../../electron/demo-venue/relay-history';
import {
  ensureRendererBuilt,
  openBrowser,
  screenshot,
  startHeadless,
  startSim,
  tempDir,
  writeTokenFile,
} from '../helpers/e2e';
import {
  SPY_NOTIFICATIONS,
  startDashboard,
  TOKEN,
  toNumber,
  type Dashboard,
} from '../helpers/supervisor-e2e';

async function saveSettings(
  d: Dashboard,
  fill: (form: ReturnType<Dashboard['page']['getByTestId']>) => Promise<void>,
) {
  const { page } = d;
  await page.keyboard.press('9');
  const form = page.getByTestId('settings-form');
  await form.waitFor();
  await fill(form);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => page.getByTestId('settings-message').innerText()).toBe('Settings saved.');
}

const threshold = (label: RegExp) => `label.threshold:has-text("${label.source}") input`;

describe('the relay goes down and comes back', () => {
  it('Will I notice the relay going down even when looking elsewhere, and see what it caught up afterwards?', async () => {
    const d = await startDashboard({
      prefix: 'down',
      backlog: 300,
      rate: 5,
      quiescent: false,
      colorScheme: 'dark',
      initScript: SPY_NOTIFICATIONS,
    });
    const { page, sim } = d;
    try {
      const banner = page.getByTestId('relay-banner');
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 30_000 })
        .toBe('live');
      expect(await page.title()).toBe('Gate Ops');
      await saveSettings(d, async (form) => {
        await form.locator(threshold(/Relay-down alert after/)).fill('5');
        await form.getByTestId('settings-notify-desktop').check();
        await form.getByTestId('settings-notify-sound').check();
      });
      await page.keyboard.press('6');
      const back = sim.restart(15_000);
      // Critical: its own look, a notification, a sound, and the count in the window title.
      const down = page.locator('[data-testid="alert"][data-kind="relay-down"]');
      await down.waitFor({ timeout: 20_000 });
      expect(await down.getAttribute('data-severity')).toBe('critical');
      expect(await down.getByTestId('alert-severity').innerText()).toMatch(/critical/i);
      await expect.poll(() => page.title()).toBe('(1 critical) Gate Ops');
      await expect
        .poll(() =>
          page.evaluate(
            () => (window as unknown as { __notified: Array<{ title: string }> }).__notified,
          ),
        )
        .toEqual([expect.objectContaining({ title: 'Gate Ops: Relay link down' })]);
      expect(
        await page.evaluate(() => (window as unknown as { __tones: number[] }).__tones.length),
      ).toBeGreaterThan(0);
      expect(await page.getByTestId('alerts-critical-count').innerText()).toBe('1 critical');
      await screenshot(page, 'q6-critical-relay-down-dark');
      await back;
      // Back: the banner says what it caught up, the alert clears into history.
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 40_000 })
        .toBe('live');
      const caught = page.getByTestId('caught-up');
      await caught.waitFor({ timeout: 20_000 });
      await expect
        .poll(async () => Number(await caught.getAttribute('data-count')), {
          timeout: 20_000,
        })
        .toBeGreaterThan(0);
      await down.waitFor({ state: 'detached', timeout: 20_000 });
      await expect.poll(() => page.title()).toBe('Gate Ops');
      await screenshot(page, 'q7-banner-caught-up-dark');
      await page.getByTestId('alerts-tab-history').click();
      const cleared = page.getByTestId('alert-history').locator('[data-kind="relay-down"]');
      await cleared.waitFor();
      expect(await cleared.innerText()).toMatch(/cleared/);
      // The outage, with the check-ins it caught up: the same figure as the banner's.
      await page.getByTestId('alerts-tab-outages').click();
      const row = page.getByTestId('outage-row').first();
      await row.waitFor();
      expect(await page.getByTestId('outage-row').count()).toBe(1);
      // Late uploads from before the outage may still be arriving, so both figures can grow;
      // they must agree once they settle.
      await expect
        .poll(
          async () => {
            const banner = Number(await caught.getAttribute('data-count'));
            const outage = toNumber(await row.getByTestId('outage-caught-up').innerText());
            return outage === banner ? 'equal' : `banner ${banner}, outage ${outage}`;
          },
          { timeout: 30_000 },
        ) // the outage history is saved (and shown) at most every 10 s
        .toBe('equal');
      await screenshot(page, 'q7-outages-dark');
      // Still there after a reload (kept in the store).
      await page.reload();
      await page.locator('[data-state="ready"]').waitFor();
      await page.getByTestId('outage-row').first().waitFor();
      // A reload is not news: nothing open is notified again.
      expect(
        await page.evaluate(() => (window as unknown as { __notified: unknown[] }).__notified),
      ).toEqual([]);
    } finally {
      await d.close();
    }
  }, 150_000);
});

describe('live but incomplete', () => {
  it('Does the banner say so when nothing new is stored, or conflicts jump, and can I see the conflicts?', async () => {
    const d = await startDashboard({ prefix: 'quiet', backlog: 300, rate: 0 });
    const { page, sim } = d;
    try {
      const banner = page.getByTestId('relay-banner');
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 30_000 })
        .toBe('live');
      await saveSettings(d, async (form) => {
        await form.locator(threshold(/nothing new is stored for/)).fill('0.25');
      });
      await page.keyboard.press('1');
      await expect.poll(() => banner.getAttribute('data-tone'), { timeout: 40_000 }).toBe('warn');
      const quiet = banner.locator('[data-code="quiet"]');
      expect(await quiet.innerText()).toMatch(/Nothing new stored for \d+ s \(quiet time 15 s\)/);
      expect(await page.getByTestId('relay-state').innerText()).toBe('Live, but');
      await screenshot(page, 'q8-banner-quiet-light');

      // Twelve known check-ins come back with other content, and two unchanged.
      await page.keyboard.press('7');
      const total = page.getByTestId('redelivery-total');
      await expect.poll(() => total.innerText()).toMatch(/\d+ redeliveries/);
      const redelivered = toNumber((await total.innerText()).split('redeliveries')[0]!);
      const conflictsBefore = toNumber(
        await page.getByTestId('quarantine-tab-conflicts').innerText(),
      );
      const checkins: Array<Record<string, unknown>> = [];
      for (let i = 0; i < sim.history.length && checkins.length < 14; i++) {
        const e = JSON.parse(sim.history.at(i) ?? 'null') as Record<string, unknown> | null;
        if (e?.['type'] === 'ticketing.check_in.created' && typeof e['data'] === 'object')
          checkins.push(e);
      }
      checkins.forEach((e, i) => {
        const data = { ...(e['data'] as Record<string, unknown>) };
        if (i < 12) data['gate'] = 'Moved gate';
        sim.appendRaw(
          JSON.stringify({ ...e, data, sequence: formatSequence(sim.history.length + 1) }),
        );
      });
      await expect
        .poll(async () => banner.locator('[data-code="conflicts-jump"]').count(), {
          timeout: 20_000,
        })
        .toBe(1);
      expect(await banner.locator('[data-code="conflicts-jump"]').innerText()).toBe(
        `Conflicts rose from ${conflictsBefore} to ${conflictsBefore + 12} in 5 min`,
      );
      // The conflicts list beside quarantine, with both versions; redeliveries counted too.
      await page.getByTestId('quarantine-tab-conflicts').click();
      await expect
        .poll(() => page.getByTestId('conflicts-total').innerText())
        .toBe(String(conflictsBefore + 12));
      expect(await page.getByTestId('conflict-changes').first().innerText()).toMatch(
        /gate: .+ → Moved gate/,
      );
      await page.getByTestId('conflicts-row').first().click();
      await page.getByTestId('conflict-detail').waitFor();
      expect(await page.getByTestId('conflict-raw').innerText()).toContain('Moved gate');
      expect(await page.getByTestId('conflict-stored').innerText()).not.toContain('Moved gate');
      await expect
        .poll(async () =>
          toNumber(
            (await page.getByTestId('redelivery-total').innerText()).split('redeliveries')[0]!,
          ),
        )
        .toBe(redelivered + 2);
      await screenshot(page, 'q8-conflicts-light');
      await page.keyboard.press('Escape');
    } finally {
      await d.close();
    }
  }, 150_000);
});

describe('a refused token', () => {
  it('Does the app say what to do when the relay refuses the token, and retry when asked?', async () => {
    ensureRendererBuilt();
    const dir = tempDir('token');
    const sim = await startSim({ token: TOKEN, backlog: 50, rate: 0 });
    const port = sim.port;
    const run = await startHeadless(
      ['--relay', sim.url, '--token-file', writeTokenFile(dir, 'a-wrong-token-9999')],
      dir,
    );
    const browser = await openBrowser(run.url, { waitReady: false });
    const { page } = browser;
    let fixed: Awaited<ReturnType<typeof startSim>> | undefined;
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator('[data-state="ready"]').waitFor({ timeout: 30_000 });
      const banner = page.getByTestId('relay-banner');
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 30_000 })
        .toBe('auth-failed');
      expect(await page.getByTestId('relay-state').innerText()).toBe('The relay refused the token');
      expect(await page.getByTestId('banner-detail').innerText()).toMatch(/Settings.*Retry now/);
      await page.getByTestId('relay-retry').waitFor();
      await page.keyboard.press('6');
      const alert = page.locator('[data-testid="alert"][data-kind="relay-auth"]');
      await alert.waitFor();
      expect(await alert.getAttribute('data-severity')).toBe('critical');
      const text = await alert.innerText();
      expect(text).toMatch(/Nothing arrives while the token is wrong/);
      expect(text).not.toMatch(/arrive when|fetched when|will come/);
      await screenshot(page, 'q8-token-refused-light');
      // The relay now takes this token (fixed on the relay side): Retry now, without waiting.
      await sim.stop();
      fixed = await startSim({ token: 'a-wrong-token-9999', port, backlog: 20, rate: 0, seed: 3 });
      await page.getByTestId('relay-retry').click();
      await expect
        .poll(() => banner.getAttribute('data-relay-state'), { timeout: 20_000 })
        .toBe('live');
      await alert.waitFor({ state: 'detached' });
    } finally {
      await browser.close();
      await run.stop();
      await (fixed ?? sim).stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
