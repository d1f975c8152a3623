/**
 * NATS sync set up in Settings, end to end (issue 13's "and the same in Settings"): a headless
 * Gate Ops on the demo, a real nats-server with a user and password. The supervisor fills in the
 * NATS fields and saves (a half-done configuration is refused with the reason), sets the password
 * (write-only: the view only says it is set), and the app leaves the demo and connects. The
 * password is in an owner-only file of its own, never in the settings database.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureRendererBuilt,
  openBrowser,
  screenshot,
  startHeadless,
  tempDir,
  type Browser,
  type HeadlessRun,
} from '../helpers/e2e';
import { startNatsServer, type NatsServer } from '../helpers/nats-server';

const PASSWORD = 'e2e-nats-password-0123';

interface NatsLine {
  link: string;
  venues: Array<{ venue: string; asOf: number | null }>;
}

describe('NATS sync in Settings (headless, Chromium)', () => {
  let server: NatsServer;
  let app: HeadlessRun;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    ensureRendererBuilt();
    server = await startNatsServer({ users: [{ user: 'north', password: PASSWORD }] });
    await server.ready();
    dir = tempDir('nats-settings');
    app = await startHeadless([], dir);
    browser = await openBrowser(app.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'the NATS fields are saved with the form, the password apart; then the laptop syncs',
    { timeout: 90_000 },
    async () => {
      const { page } = browser;
      await page.getByTestId('demo-badge').waitFor();
      await page.keyboard.press('9');
      const form = page.getByTestId('settings-form');
      const nats = form.getByTestId('settings-nats');
      await nats.waitFor();
      await nats.getByTestId('settings-nats-enabled').check();
      await nats.getByTestId('settings-nats-servers').fill(server.url);
      // No venue yet: refused here, with the reason, and nothing is saved.
      await form.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('settings-message').innerText())
        .toMatch(/Not saved: NATS sync: give the venue \(event\) id/);

      await nats.getByTestId('settings-nats-venue').fill('e2e-venue');
      await nats.getByTestId('settings-nats-auth').selectOption('user');
      await nats.getByTestId('settings-nats-user').fill('north');
      await expect
        .poll(() => nats.getByTestId('settings-nats-secret-status').innerText())
        .toMatch(/No password is saved/);
      await form.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('settings-message').innerText())
        .toBe('Settings saved.');
      // On without its password: the app says what is missing (and has left the demo).
      await app.waitForLine(
        (l) =>
          (l['sync'] as { nats?: NatsLine | null } | undefined)?.nats?.link === 'misconfigured',
      );

      const settings = page.getByTestId('settings-nats');
      await settings.getByTestId('settings-nats-password').fill(PASSWORD);
      await settings.getByTestId('settings-nats-set-password').click();
      await expect
        .poll(() => page.getByTestId('settings-nats-secret-status').innerText())
        .toMatch(/The password is set/);
      await app.waitForLine(
        (l) => (l['sync'] as { nats?: NatsLine | null } | undefined)?.nats?.link === 'connected',
      );
      // The page follows the new core (it subscribes again): no longer the simulated demo.
      await page.getByTestId('demo-badge').waitFor({ state: 'detached' });
      // The form shows what was saved, the password only as "set".
      const saved = page.getByTestId('settings-nats');
      expect(await saved.getByTestId('settings-nats-venue').inputValue()).toBe('e2e-venue');
      expect(await saved.getByTestId('settings-nats-password').inputValue()).toBe('');
      await saved.scrollIntoViewIfNeeded();
      await screenshot(page, 'settings-nats');

      const secretFile = join(dir, 'nats-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      // Not in the settings or any other file of the data folder (databases, their WAL).
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        if (!f.isFile() || f.name === 'nats-secret') continue;
        expect(readFileSync(join(dir, f.name)).includes(Buffer.from(PASSWORD)), f.name).toBe(false);
      }
      expect(app.stderr()).not.toContain(PASSWORD);
    },
  );

  it(
    'the Team view shows the NATS link, what moved and the venue; a lost server is said so',
    { timeout: 60_000 },
    async () => {
      // Continues from the test above: the laptop is connected to the server.
      const { page } = browser;
      await page.keyboard.press('t');
      const panel = page.getByTestId('team-nats');
      await panel.waitFor();
      await expect
        .poll(() => panel.getAttribute('data-link'), { timeout: 30_000 })
        .toBe('connected');
      const link = panel.getByTestId('team-nats-link');
      expect(await link.innerText()).toContain(
        `NATS link: connected to ${server.url.replace('nats://', '')}`,
      );
      expect(await link.innerText()).toMatch(/stream GATEOPS_/);
      expect(await panel.innerText()).toMatch(/venue e2e-venue via nats:\/\/127\.0\.0\.1:\d+/);
      expect(await panel.innerText()).toContain('(from Settings)');
      await expect
        .poll(() => panel.getByTestId('team-nats-collection').count(), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(3);
      // This laptop's own presence makes its venue's freshness known.
      await expect
        .poll(() => panel.getByTestId('team-nats-venue').first().innerText(), { timeout: 30_000 })
        .toMatch(/^e2e-venue: data as of /);
      expect(await page.getByTestId('team-role').innerText()).toMatch(/shares its data over NATS/);
      await screenshot(page, 'team-view-nats');

      await server.kill();
      await expect
        .poll(() => panel.getAttribute('data-link'), { timeout: 30_000 })
        .not.toBe('connected');
      expect(await panel.getByTestId('team-nats-link').innerText()).toMatch(
        /NATS link: (RECONNECTING|UNREACHABLE)/,
      );
      await screenshot(page, 'team-view-nats-down');
    },
  );
});
