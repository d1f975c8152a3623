/**
 * The Log view (shift log) end to end: this laptop is the venue hub (`gate-ops headless
 * --sync-listen` on 127.0.0.1, on a relay simulator); a second laptop with no relay of its own
 * joins it from its own process. A note written in Chromium on the hub reaches the other laptop;
 * the other laptop's note appears in the hub's Log view with its author; a correction is a new
 * note that points at the old one. The joined laptop's banner says "data as of" from what the
 * venue sync brought it.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotesList } from '../../shared/api/channels/sync';
import type { GateOpsApi } from '../../shared/api/methods';
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
import { laptopApi, startLaptop, type LaptopProcess } from '../helpers/laptop-process';
import type { RelaySimulator } from '../../electron/demo-venue';

const TOKEN = 'log-e2e-relay-token-0123';

/** Resolves with the first note list that has a note matching `match`. */
function noteOn(api: GateOpsApi, match: (n: NotesList['notes'][number]) => boolean) {
  return new Promise<NotesList['notes'][number]>((resolve) => {
    let done = false;
    const stop = api.watchNotes({ limit: 50 }, (list) => {
      const found = list.notes.find(match);
      if (!found || done) return;
      done = true;
      resolve(found);
      queueMicrotask(() => stop());
    });
  });
}

describe('Log view (headless, Chromium)', () => {
  let sim: RelaySimulator;
  let hub: HeadlessRun;
  let joined: LaptopProcess;
  let joinedApi: { api: GateOpsApi; close(): void };
  let browser: Browser;
  const dirs: string[] = [];

  beforeAll(async () => {
    ensureRendererBuilt();
    sim = await startSim({ token: TOKEN, backlog: 300, backlogSpanMs: 20 * 60_000, rate: 0 });
    const hubDir = tempDir('log-hub');
    const joinDir = tempDir('log-join');
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
      '--port',
      '0',
      '--sync-join',
      code,
    ]);
    await joined.sync((s) => s.link === 'live' && s.checkins > 0);
    joinedApi = laptopApi(await joined.dashboard());
    browser = await openBrowser(hub.url);
  }, 180_000);

  afterAll(async () => {
    joinedApi?.close();
    await browser?.close();
    await joined?.stop();
    await hub?.stop();
    await sim?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes, receives and corrects notes across laptops', async () => {
    const { page } = browser;
    await page.keyboard.press('l');
    await page.getByTestId('log-view').waitFor();

    // A note written here reaches the joined laptop, with this laptop's name as author.
    const text = 'North 03: scanner swapped at 19:40, the old one double-read tickets';
    await page.getByTestId('note-text').fill(text);
    await page.getByTestId('note-gate').fill('North 03');
    await page.getByTestId('note-add').click();
    const mine = page.getByTestId('log-note').filter({ hasText: text });
    await mine.waitFor();
    expect(await mine.innerText()).toMatch(/North doors — Anna · North 03/);
    const there = await noteOn(joinedApi.api, (n) => n.text === text);
    expect(there).toMatchObject({ author: 'North doors — Anna', gate: 'North 03' });

    // The joined laptop's note shows up here with its author.
    const reply = 'Ops lead: keep North 03 on manual checks until the spare is tested';
    await joinedApi.api.addNote({ text: reply, gate: '', corrects: null });
    const theirs = page.getByTestId('log-note').filter({ hasText: reply });
    await theirs.waitFor({ timeout: 30_000 });
    expect(await theirs.innerText()).toMatch(/Ops lead — Sam/);

    // A correction is a new note pointing at the old one; the old one stays, marked corrected.
    await mine.getByRole('button', { name: 'Correct' }).click();
    const fixed = 'North 03: scanner swapped at 19:45 (not 19:40)';
    await page.getByTestId('note-text').fill(fixed);
    await page.getByTestId('note-add').click();
    const correction = page.getByTestId('log-note').filter({ hasText: fixed });
    await correction.waitFor();
    expect(await correction.innerText()).toMatch(/corrects the note of/);
    expect(await mine.innerText()).toMatch(/corrected below/);
    expect(await mine.getAttribute('class')).toMatch(/corrected/);
    const relayed = await noteOn(joinedApi.api, (n) => n.text === fixed);
    expect(relayed.corrects).toBe(there.id);
    await screenshot(page, 'log-view');
  });

  it('the joined laptop with no relay says "data as of" from what the venue sync brought', async () => {
    const other = await openBrowser(await joined.dashboard());
    try {
      const asOf = other.page.getByTestId('data-as-of');
      await expect.poll(() => asOf.innerText(), { timeout: 30_000 }).not.toMatch(/—/);
    } finally {
      await other.close();
    }
  });
});
