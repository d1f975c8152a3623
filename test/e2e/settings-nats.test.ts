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
});
