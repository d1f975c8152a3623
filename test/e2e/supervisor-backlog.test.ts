/**
 * Issue 15, "rank and compare" and "keyboard and layout", asked through the UI the way a
 * supervisor would, on a quiescent store (a 40-minute backlog of the stadium venue): which gate
 * is busiest, sorting any list, time windows, the product mix per gate, devices by gate and
 * lag, keyboard-only use, and a 1024×700 screen.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberAt, screenshot, storeStats } from '../helpers/e2e';
import {
  columnIndex,
  startDashboard,
  tableCells,
  toNumber,
  type Dashboard,
} from '../helpers/supervisor-e2e';

const focusedTestId = (d: Dashboard) =>
  d.page.evaluate(() =>
    document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid'),
  );

const currentView = (d: Dashboard) => d.page.locator('main.content').getAttribute('data-view');

describe('rank and compare (stadium backlog)', () => {
  let d: Dashboard;

  beforeAll(async () => {
    d = await startDashboard({
      prefix: 'rank',
      backlog: 2500,
      backlogSpanMs: 40 * 60_000,
      // Devices that buffered offline upload late batches now and then (Devices, lag alerts).
      mix: { lateBatch: 0.004 },
    });
  }, 180_000);

  afterAll(async () => {
    await d?.close();
  });

  it('Which gate is busiest right now? The Overview ranks gates by the last 5 minutes', async () => {
    const { page } = d;
    const rows = page.getByTestId('overview-gate-row');
    await rows.first().waitFor();
    const last5 = (await rows.getByTestId('gate-window-count').allInnerTexts()).map(toNumber);
    expect(last5.length).toBeGreaterThan(10);
    expect(last5).toEqual([...last5].sort((a, b) => b - a));
    expect(last5[0]).toBeGreaterThan(0);
    // Another window re-ranks: the last 60 minutes hold the whole 40-minute backlog.
    await page.getByTestId('overview-window-60').click();
    const stats = await storeStats(d.dir);
    await expect
      .poll(async () => (await rows.getByTestId('gate-window-count').allInnerTexts()).map(toNumber))
      .toEqual(Object.values(stats.perGate).sort((a, b) => b - a));
    await page.getByTestId('overview-window-5').click();
    await screenshot(page, 'q2-overview-ranked-1280');
  }, 60_000);

  it('Can I sort Gates, Sessions, Devices and Check-ins by any column, by click and keyboard, and keep it?', async () => {
    const { page } = d;
    await page.keyboard.press('2');
    await page.getByTestId('gates-row').first().waitFor();
    expect(await focusedTestId(d)).toBe('gates');
    const countCol = await columnIndex(page, 'gates', 'Checked in');
    const counts = async () => (await tableCells(page, 'gates')).map((r) => toNumber(r[countCol]!));
    // Click: biggest first, again: smallest first.
    await page.getByTestId('gates-sort-count').click();
    await expect.poll(counts).toEqual([...(await counts())].sort((a, b) => b - a));
    expect(await page.getByTestId('gates-sort-count').getAttribute('data-dir')).toBe('desc');
    await page.getByTestId('gates-sort-count').click();
    await expect
      .poll(async () => page.getByTestId('gates-sort-count').getAttribute('data-dir'))
      .toBe('asc');
    expect(await counts()).toEqual([...(await counts())].sort((a, b) => a - b));
    // Keyboard: from the table, Tab reaches the header buttons; Enter sorts by gate name.
    await page.getByTestId('gates').getByRole('grid').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'gates-sort-gate',
    );
    await page.keyboard.press('Enter');
    const names = async () => (await tableCells(page, 'gates')).map((r) => r[0]!);
    await expect
      .poll(names)
      .toEqual(
        [...(await names())].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
      );
    const header = await page
      .getByTestId('gates')
      .locator('[role=columnheader]')
      .first()
      .getAttribute('aria-sort');
    expect(header).toBe('ascending');
    // Kept when coming back to the view, and after a reload.
    await page.keyboard.press('3');
    await page.getByTestId('sessions-row').first().waitFor();
    await page.getByTestId('sessions-sort-count').click();
    const scansCol = await columnIndex(page, 'sessions', 'Scans');
    const scans = async () =>
      (await tableCells(page, 'sessions')).map((r) => toNumber(r[scansCol]!));
    await expect
      .poll(async () => (await scans()).slice(0, 10))
      .toEqual([...(await scans()).slice(0, 10)].sort((a, b) => b - a));
    await page.keyboard.press('2');
    expect(await page.getByTestId('gates-sort-gate').getAttribute('data-dir')).toBe('asc');
    await page.reload();
    await page.locator('[data-state="ready"]').waitFor();
    await page.getByTestId('gates-row').first().waitFor();
    expect(await page.getByTestId('gates-sort-gate').getAttribute('data-dir')).toBe('asc');
    await page.keyboard.press('3');
    expect(await page.getByTestId('sessions-sort-count').getAttribute('data-dir')).toBe('desc');
    // Check-ins: oldest first by clicking the time header.
    await page.keyboard.press('5');
    await page.getByTestId('checkins-row').first().waitFor();
    await page.getByTestId('checkins-sort-time').click();
    await expect
      .poll(() => page.getByTestId('checkins-sort-time').getAttribute('data-dir'))
      .toBe('asc');
    const firstRaw = async () => {
      await page.getByTestId('checkins-row').first().click();
      const raw = JSON.parse(await page.getByTestId('checkin-raw').innerText());
      await page.keyboard.press('Escape');
      return Date.parse(raw.data.checked_in_at);
    };
    const oldest = await firstRaw();
    await page.getByTestId('checkins-sort-time').click();
    await expect
      .poll(() => page.getByTestId('checkins-sort-time').getAttribute('data-dir'))
      .toBe('desc');
    await expect.poll(firstRaw).toBeGreaterThan(oldest);
    // By ticket: the whole store walks the ticketId index.
    await page.getByTestId('checkins-sort-ticket').click();
    const ticketCol = await columnIndex(page, 'checkins', 'Ticket');
    const tickets = async () => (await tableCells(page, 'checkins')).map((r) => r[ticketCol]!);
    await expect.poll(async () => (await tickets()).length).toBeGreaterThan(5);
    expect(await tickets()).toEqual([...(await tickets())].sort());
    await page.getByTestId('checkins-sort-time').click(); // back to newest first for the others
    await screenshot(page, 'q2-checkins-sorted');
  }, 90_000);

  it('How many scans per gate in the last 5 / 15 / 30 / 60 minutes, the trend, and per product?', async () => {
    const { page } = d;
    await page.keyboard.press('2');
    await page.getByTestId('gates-row').first().waitFor();
    const cols = Object.fromEntries(
      await Promise.all(
        ['Checked in', '5 min', '15 min', '30 min', '60 min', 'Per min'].map(
          async (h) => [h, await columnIndex(page, 'gates', h)] as const,
        ),
      ),
    );
    const rows = await tableCells(page, 'gates');
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      const [c5, c15, c30, c60, all] = ['5 min', '15 min', '30 min', '60 min', 'Checked in'].map(
        (h) => toNumber(r[cols[h]!]!),
      );
      expect(c5).toBeLessThanOrEqual(c15!);
      expect(c15).toBeLessThanOrEqual(c30!);
      expect(c30).toBeLessThanOrEqual(c60!);
      // The backlog spans 40 minutes: the last hour is everything.
      expect(c60).toBe(all);
    }
    // The sparkline is the last hour, minute by minute.
    const sparks = await page
      .getByTestId('gates')
      .getByTestId('sparkline')
      .evaluateAll((els) =>
        els.map((e) => (e.getAttribute('data-values') ?? '').split(',').map(Number)),
      );
    expect(sparks[0]).toHaveLength(60);
    expect(sparks.map((v) => v.reduce((a, b) => a + b, 0))).toEqual(
      rows.map((r) => toNumber(r[cols['60 min']!]!)),
    );
    // "Per min" says what it means, the same way in Gates and Sessions.
    const perMin = page.getByTestId('gates').locator('[role=columnheader]').nth(cols['Per min']!);
    expect(await perMin.getAttribute('title')).toBe('scans per minute over the last 5 minutes');
    await page.keyboard.press('3');
    await page.getByTestId('sessions-row').first().waitFor();
    const sPer = await columnIndex(page, 'sessions', 'Per min');
    expect(
      await page
        .getByTestId('sessions')
        .locator('[role=columnheader]')
        .nth(sPer)
        .getAttribute('title'),
    ).toBe('scans per minute over the last 5 minutes');
    await columnIndex(page, 'sessions', 'Avg/min');
    // Per product: one column per product, summing to the gate's total.
    await page.keyboard.press('2');
    await page.getByTestId('gates-per-product').check();
    await expect.poll(async () => (await tableCells(page, 'gates'))[0]?.length).toBeGreaterThan(3);
    const perProduct = await tableCells(page, 'gates');
    for (const r of perProduct) {
      const [, total, ...products] = r.map(toNumber);
      expect(products.reduce((a, b) => a + b, 0)).toBe(total);
    }
    await screenshot(page, 'q3-gates-per-product');
    await page.getByTestId('gates-per-product').uncheck();
    await screenshot(page, 'q3-gates-windows-1280');
  }, 60_000);

  it('Which devices at a gate lag, and when was each last seen?', async () => {
    const { page } = d;
    await page.keyboard.press('4');
    await page.getByTestId('devices-row').first().waitFor();
    const gateCol = await columnIndex(page, 'devices', 'Gate');
    const gate = (await tableCells(page, 'devices'))[0]![gateCol]!;
    await page.getByTestId('devices-gate').selectOption(gate);
    await expect
      .poll(async () => new Set((await tableCells(page, 'devices')).map((r) => r[gateCol])))
      .toEqual(new Set([gate]));
    // The session list follows the gate; one session shows its device.
    const sessionCol = await columnIndex(page, 'devices', 'Current session');
    const session = (await tableCells(page, 'devices'))[0]![sessionCol]!;
    await page.getByTestId('devices-session').selectOption(session);
    await expect
      .poll(async () => (await tableCells(page, 'devices')).map((r) => r[sessionCol]))
      .toEqual([session]);
    await page.getByTestId('devices-session').selectOption({ index: 0 });
    await page.getByTestId('devices-gate').selectOption({ index: 0 });
    // By upload lag: lagging working devices first, ended ones last.
    await page.getByTestId('devices-sort-lag').click();
    await expect
      .poll(() => page.getByTestId('devices-sort-lag').getAttribute('data-dir'))
      .toBe('desc');
    const grid = page.getByTestId('devices').getByRole('grid');
    const statuses = await page
      .getByTestId('devices')
      .getByTestId('devices-row')
      .evaluateAll((rows) =>
        rows
          .sort(
            (a, b) =>
              Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')),
          )
          .map((r) => ({
            lagging: r.classList.contains('row-bad'),
            status: r.querySelector('[data-status]')?.getAttribute('data-status'),
          })),
      );
    const firstNotLagging = statuses.findIndex((s) => !s.lagging);
    expect(statuses.slice(firstNotLagging).some((s) => s.lagging)).toBe(false);
    expect(statuses.filter((s) => s.lagging).length).toBeGreaterThan(0);
    const firstEnded = statuses.findIndex((s) => s.status === 'ended');
    if (firstEnded >= 0)
      expect(statuses.slice(firstEnded).every((s) => s.status === 'ended')).toBe(true);
    // Last seen differs per device (not the instant the backlog arrived).
    const seen = await page.getByTestId('device-seen').allInnerTexts();
    expect(new Set(seen).size).toBeGreaterThan(seen.length / 3);
    await grid.focus();
    await screenshot(page, 'q5-devices-by-lag-1280');
  }, 60_000);

  it('Does everything work from the keyboard: view keys, drill-down and back?', async () => {
    const { page } = d;
    await page.keyboard.press('4');
    await expect.poll(() => focusedTestId(d)).toBe('devices');
    // After a checkbox changed, view keys still work (only text fields keep keys).
    await page.getByTestId('devices-lagging').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('devices-lagging').isChecked()).toBe(true);
    await page.keyboard.press('2');
    await expect.poll(() => currentView(d)).toBe('gates');
    await expect.poll(() => focusedTestId(d)).toBe('gates');
    // After a dropdown changed, too.
    await page.keyboard.press('3');
    const status = page.getByTestId('sessions-status');
    await status.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('5');
    await expect.poll(() => currentView(d)).toBe('checkins');
    // A text field keeps its keys: "2" is typed, not a view change.
    await page.getByTestId('search-input').focus();
    await page.keyboard.type('2');
    expect(await currentView(d)).toBe('checkins');
    expect(await page.getByTestId('search-input').inputValue()).toBe('2');
    await page.getByTestId('search-input').fill('');
    // Drill-down gate → session → check-ins with Enter, back up with Backspace and Alt+←.
    await page.keyboard.press('Escape');
    await page.getByTestId('checkins').getByRole('grid').focus();
    await page.keyboard.press('2');
    await expect.poll(() => focusedTestId(d)).toBe('gates');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('filter-gate').waitFor();
    await expect.poll(() => currentView(d)).toBe('sessions');
    await page.getByTestId('sessions-row').first().waitFor();
    await page.getByTestId('sessions').getByRole('grid').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('filter-session').waitFor();
    await page.getByTestId('checkins').getByRole('grid').focus();
    await page.keyboard.press('Backspace');
    await expect.poll(() => currentView(d)).toBe('sessions');
    expect(await page.getByTestId('filter-gate').count()).toBe(1);
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => currentView(d)).toBe('gates');
    // The browser's own Back and Forward stay in the app.
    const url = page.url().split('#')[0];
    await page.goForward();
    await expect.poll(() => currentView(d)).toBe('sessions');
    await page.goBack();
    await expect.poll(() => currentView(d)).toBe('gates');
    expect(page.url().split('#')[0]).toBe(url);
    await page.getByTestId('devices-lagging').count(); // still the app
    await page.keyboard.press('4');
    await page.getByTestId('devices-lagging').uncheck();
  }, 60_000);

  it('Do re-entries come as a few grouped alerts with their list, severities look different, late uploads as one?', async () => {
    const { page } = d;
    const stats = await storeStats(d.dir);
    expect(stats.reentries).toBeGreaterThan(20);
    await page.keyboard.press('6');
    await page.getByTestId('alert').first().waitFor();
    const reentry = page.locator('[data-testid="alert"][data-kind="reentry"]');
    const counts = await reentry.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-count'))),
    );
    // One summary per quarter-hour, together counting every re-entry of the 40 minutes.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(stats.reentries);
    const quarters = await reentry.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-alert-id')),
    );
    expect(new Set(quarters).size).toBe(counts.length);
    // 40 minutes of scans, and late uploads up to 20 minutes older: at most 5 quarter-hours.
    expect(counts.length).toBeLessThanOrEqual(5);
    // The list behind the biggest group, each entry leading to that ticket's check-ins.
    const biggest = reentry.nth(counts.indexOf(Math.max(...counts)));
    await biggest.getByTestId('alert-items-toggle').click();
    const items = biggest.getByTestId('alert-items').locator('li button');
    expect(await items.count()).toBe(Math.min(20, Math.max(...counts)));
    await screenshot(page, 'q6-alerts-grouped-1280');
    // Severities differ in colour, icon and word.
    const look = (kind: string) =>
      page
        .locator(`[data-testid="alert"][data-kind="${kind}"]`)
        .first()
        .evaluate((el) => ({
          severity: el.getAttribute('data-severity'),
          word: el.querySelector('[data-testid="alert-severity"]')!.textContent,
          icon: el.querySelector('.alert-icon')!.textContent,
          border: getComputedStyle(el).borderLeftColor,
        }));
    const warning = await look('reentry');
    const info = await look('quarantine');
    expect(warning.severity).toBe('warning');
    expect(info.severity).toBe('info');
    expect(info.word).not.toBe(warning.word);
    expect(info.icon).not.toBe(warning.icon);
    expect(info.border).not.toBe(warning.border);
    // Late uploads of the backlog: one alert listing every lagging device.
    await page.keyboard.press('4');
    await page.getByTestId('devices-lagging').check();
    await expect.poll(() => numberAt(page, 'devices-total')).toBeGreaterThanOrEqual(3);
    const lagging = await numberAt(page, 'devices-total');
    await page.getByTestId('devices-lagging').uncheck();
    await page.keyboard.press('6');
    const lag = page.locator('[data-testid="alert"][data-kind="upload-lag"]');
    await lag.first().waitFor();
    expect(await lag.count()).toBe(1);
    expect(Number(await lag.getAttribute('data-count'))).toBe(lagging);
    // An entry of a group's list opens that ticket's check-ins.
    await reentry.first().getByTestId('alert-items-toggle').click();
    await reentry.first().getByTestId('alert-items').locator('li button').first().click();
    await expect.poll(() => currentView(d)).toBe('checkins');
    expect(await page.getByTestId('search-input').inputValue()).toMatch(/^tkt-/);
  }, 60_000);

  it('Does a PDF for one gate show only what concerns it, summed up, with products, outages and real progress?', async () => {
    const { page } = d;
    const stats = await storeStats(d.dir);
    const gate = 'North 01';
    expect(stats.perGate[gate]).toBeGreaterThan(0);
    await page.keyboard.press('8');
    await page.getByTestId('reports-view').and(page.locator('[data-state="ready"]')).waitFor();
    // Progress never reads "0 of 0": it says it is counting, then counts real rows.
    const seen: string[] = [];
    const watcher = setInterval(() => {
      void page
        .getByTestId('report-progress-text')
        .innerText({ timeout: 50 })
        .then((t) => seen.push(t))
        .catch(() => undefined);
    }, 20);
    const exportPdf = async (g: string | null) => {
      await page.getByTestId('report-format-pdf').check();
      await page.getByTestId('report-gate').selectOption(g ?? '*');
      await page.getByTestId('report-tz').fill('UTC');
      await page.getByTestId('report-start').click();
      const link = page.getByTestId('report-download');
      await link.waitFor({ timeout: 60_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const file = join(d.dir, `${g ?? 'all'}.pdf`);
      await download.saveAs(file);
      const parser = new PDFParse({ data: await readFile(file) });
      const result = await parser.getText();
      await parser.destroy();
      return { pages: result.total, text: result.text.replace(/\s+/g, ' ') };
    };
    const one = await exportPdf(gate);
    clearInterval(watcher);
    expect(seen.filter((t) => /\b0 of 0\b/.test(t))).toEqual([]);
    const section = (text: string, from: string, to: string) =>
      text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from)));
    expect(one.text).toContain(`Gate: ${gate}`);
    expect(one.text).toContain(`Check-ins ${stats.perGate[gate]!.toLocaleString('en-US')}`);
    // Re-entries and alerts follow the gate: no other gate is named there.
    const others = Object.keys(stats.perGate).filter((g) => g !== gate && g !== '');
    const reentries = section(one.text, 'Re-entries:', 'Alerts open when');
    const alerts = section(one.text, 'Alerts open when', 'Relay link and rejected');
    for (const g of others) {
      expect(reentries).not.toContain(g);
      expect(alerts).not.toContain(g);
    }
    // A 40-minute report charts quarter-hours; products, outages and totals are there.
    expect(one.text).toContain('Each bar is 15 minutes.');
    expect(one.text).toContain('By product');
    expect(one.text).toContain('prod-general');
    expect(one.text).toContain('The relay link was not down in this period.');
    expect(one.text).toMatch(/Whole store \(these belong to no gate\): \d+ quarantined messages/);
    // The whole store: sessions summed up, a few pages instead of dozens.
    const all = await exportPdf(null);
    const sessions = Object.keys(stats.perSession).length;
    expect(sessions).toBeGreaterThan(40);
    expect(all.text).toContain(`By scanner session: the 20 busiest of ${sessions}`);
    expect(all.pages).toBeLessThanOrEqual(6);
    await screenshot(page, 'q13-reports-done');
  }, 120_000);

  it('How far are we toward the expected attendance, and when will we reach 90 % and 100 %?', async () => {
    const { page } = d;
    await page.keyboard.press('1');
    const card = page.getByTestId('progress-card');
    await card.waitFor();
    // Not set yet: it says so, never 0 %.
    expect(await page.getByTestId('progress-percent').getAttribute('data-configured')).toBe(
      'false',
    );
    expect(await page.getByTestId('progress-percent').innerText()).toBe('Not set');
    // Import a CSV of expected tickets: 10,000 for the stadium final (and 1,000 via North 01).
    await page.keyboard.press('9');
    const rows = ['ticket_id,event_id,gate'];
    for (let i = 0; i < 10_000; i++)
      rows.push(`T${i},evt-stadium-final,${i < 1000 ? 'North 01' : ''}`);
    rows.push('T5,evt-stadium-final,North 01'); // listed twice: counted once
    await page.getByTestId('capacity-csv').setInputFiles({
      name: 'expected.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rows.join('\n')),
    });
    await expect
      .poll(() => page.getByTestId('capacity-status').innerText(), { timeout: 20_000 })
      .toContain('Imported 10,000 expected tickets from expected.csv');
    expect(await page.getByTestId('capacity-status').innerText()).toContain(
      '1 duplicates counted once',
    );
    await expect
      .poll(() =>
        page.locator('[data-testid="capacity-event"][data-event="evt-stadium-final"]').inputValue(),
      )
      .toBe('10000');
    await screenshot(page, 'q4-settings-capacity');
    // The Overview: share of the expected, the forecast at the last 15 minutes' rate.
    await page.keyboard.press('1');
    const stats = await storeStats(d.dir);
    const admitted = stats.checkins - stats.reentries;
    const percent = Math.round((admitted / 10_000) * 1000) / 10;
    await expect
      .poll(() => page.getByTestId('progress-percent').innerText())
      .toBe(`${percent.toLocaleString('en-US', { maximumFractionDigits: 1 })} %`);
    expect(await page.getByTestId('progress-detail').innerText()).toContain(
      `${admitted.toLocaleString('en-US')} of 10,000`,
    );
    expect(await page.getByTestId('progress-eta').innerText()).toMatch(
      /90 %: (~.+|not at this rate) · 100 %: (~.+|not at this rate)/,
    );
    await screenshot(page, 'q4-overview-progress-1280');
    // Typed in Settings instead: 2,000 expected; then over 100 % it says reached.
    await page.keyboard.press('9');
    await page
      .locator('[data-testid="capacity-event"][data-event="evt-stadium-final"]')
      .fill('2000');
    await page.getByTestId('settings-form').getByRole('button', { name: 'Save' }).click();
    await page.keyboard.press('1');
    await expect
      .poll(() => page.getByTestId('progress-eta').innerText())
      .toContain('90 %: reached');
  }, 90_000);

  it('At 1024×700, do wide tables scroll with their header, does the banner wrap, do figures fit?', async () => {
    const { page } = d;
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.keyboard.press('4');
    await page.getByTestId('devices-row').first().waitFor();
    const grid = page.getByTestId('devices').getByRole('grid');
    const geometry = () =>
      grid.evaluate((g) => {
        const head = g.querySelector('[role=columnheader]:last-child')!.getBoundingClientRect();
        const cell = g
          .querySelector('[role=row][aria-rowindex="1"] [role=gridcell]:last-child')!
          .getBoundingClientRect();
        return {
          scrollWidth: g.scrollWidth,
          clientWidth: g.clientWidth,
          head: head.left,
          cell: cell.left,
        };
      });
    const before = await geometry();
    // The last column (scans) lines up with its header, before and after scrolling sideways.
    expect(Math.abs(before.head - before.cell)).toBeLessThan(2);
    if (before.scrollWidth > before.clientWidth) {
      await grid.evaluate((g) => (g.scrollLeft = g.scrollWidth));
      const after = await geometry();
      expect(after.head).toBeLessThan(before.head);
      expect(Math.abs(after.head - after.cell)).toBeLessThan(2);
    }
    // Upload lag is visible without scrolling.
    const lag = page
      .getByTestId('devices')
      .locator('[role=columnheader]', { hasText: 'Upload lag' });
    const box = (await lag.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1024);
    await screenshot(page, 'q10-devices-1024');
    await grid.evaluate((g) => (g.scrollLeft = 0));
    // Nothing in the banner or the figure cards is cut off.
    await page.keyboard.press('1');
    await page.getByTestId('total-checkins').waitFor();
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('.banner > *, .stat-value, .stat-sub')]
        .filter((e) => (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1)
        .map((e) => (e as HTMLElement).innerText),
    );
    expect(clipped).toEqual([]);
    await screenshot(page, 'q10-overview-1024');
    await page.keyboard.press('2');
    await page.getByTestId('gates-row').first().waitFor();
    await screenshot(page, 'q10-gates-1024');
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);
});
