/**
 * The Reports view end to end: `gate-ops headless` on a relay simulator, driven in Chromium with
 * the keyboard where a supervisor would use it; the downloaded files must hold what the store
 * holds (counted by `gate-ops stats --json` in its own process).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  screenshot,
  startQuiescentDashboard,
  storeStats,
  type QuiescentDashboard,
} from '../helpers/e2e';

const TOKEN = 'reports-e2e-relay-token-0123';

describe('Reports view (headless, Chromium)', () => {
  let app: QuiescentDashboard;

  beforeAll(async () => {
    app = await startQuiescentDashboard({
      prefix: 'reports',
      token: TOKEN,
      backlog: 1500,
      backlogSpanMs: 30 * 60_000,
    });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('exports one gate as CSV with a BOM and downloads it', async () => {
    const s = await storeStats(app.dir);
    const { page } = app.browser;
    await page.keyboard.press('8');
    const view = page.getByTestId('reports-view');
    await view.and(page.locator('[data-state="ready"]')).waitFor();
    const gates = Object.keys(s.perGate).filter((g) => g !== '');
    const gate = gates[0]!;
    await page.getByTestId('report-gate').selectOption(gate);
    await page.getByTestId('report-tz').fill('UTC');
    await page.getByTestId('report-bom').check();
    await screenshot(page, 'reports-form');
    // Keyboard: focus the Export button and press Enter.
    await page.getByTestId('report-start').focus();
    const downloadLink = page.getByTestId('report-download');
    await page.keyboard.press('Enter');
    await downloadLink.waitFor({ timeout: 30_000 });
    // Focus moves to the result, so the next Enter downloads.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('report-download');
    await screenshot(page, 'reports-done');
    const [download] = await Promise.all([page.waitForEvent('download'), downloadLink.click()]);
    const file = join(app.dir, 'downloaded.csv');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^attendance-all-events-.+\.csv$/);
    const bytes = await readFile(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(records.length).toBe(s.perGate[gate]);
    expect(new Set(records.map((r) => r['gate']))).toEqual(new Set([gate]));
    expect(records[0]!['checked_in_at']).toMatch(/Z$/);
    expect(await page.getByTestId('report-result').innerText()).toContain(
      `${s.perGate[gate]!.toLocaleString()} check-ins`,
    );
  }, 90_000);

  it('exports XLSX without personal data, chosen with the keyboard', async () => {
    const s = await storeStats(app.dir);
    const { page } = app.browser;
    await page.getByTestId('report-gate').selectOption('*');
    await page.getByTestId('report-format-csv').focus();
    await page.keyboard.press('ArrowDown'); // radio group: next format (Excel)
    await expect.poll(() => page.getByTestId('report-format-xlsx').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('report-bom').isDisabled()).toBe(true);
    await page.getByTestId('report-pii').focus();
    await page.keyboard.press('Space');
    expect(await page.getByTestId('report-pii').isChecked()).toBe(false);
    await page.getByTestId('report-start').click();
    const link = page.getByTestId('report-download');
    await expect
      .poll(async () => (await link.getAttribute('download')) ?? '', { timeout: 60_000 })
      .toMatch(/\.xlsx$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(app.dir, 'downloaded.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.getWorksheet('Check-ins')!;
    expect(sheet.rowCount).toBe(s.checkins + 1);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).not.toContain('Attendee name');
    const byGate = wb.getWorksheet('By gate')!;
    let total = 0;
    byGate.eachRow((row, n) => {
      if (n > 1) total += row.getCell(2).value as number;
    });
    expect(total).toBe(s.checkins);
  }, 90_000);

  it('exports the PDF summary with the store’s totals', async () => {
    const s = await storeStats(app.dir);
    const { page } = app.browser;
    await page.getByTestId('report-format-pdf').check();
    await page.getByTestId('report-start').click();
    const link = page.getByTestId('report-download');
    await expect
      .poll(async () => (await link.getAttribute('download')) ?? '', { timeout: 60_000 })
      .toMatch(/\.pdf$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(app.dir, 'downloaded.pdf');
    await download.saveAs(file);
    const parser = new PDFParse({ data: await readFile(file) });
    const { text } = await parser.getText();
    await parser.destroy();
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(`Check-ins ${s.checkins.toLocaleString('en-US')}`);
    for (const gate of Object.keys(s.perGate).filter((g) => g !== '')) expect(flat).toContain(gate);
  }, 90_000);

  it('says clearly when the time range is empty or reversed', async () => {
    const { page } = app.browser;
    await page.getByTestId('report-from').fill('2026-05-05T20:00:00');
    await page.getByTestId('report-to').fill('2026-05-05T19:00:00');
    await page.getByTestId('report-start').click();
    await expect.poll(() => page.getByTestId('report-error').innerText()).toMatch(/before/);
    await screenshot(page, 'reports-error');
    expect(await page.getByTestId('report-error').getAttribute('role')).toBe('alert');
  }, 60_000);

  it('refuses a download without the run token', async () => {
    const origin = new URL(app.run.url).origin;
    const res = await fetch(`${origin}/reports/download/00000000-0000-0000-0000-000000000000`);
    expect(res.status).toBe(403);
  });
});
