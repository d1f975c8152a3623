/**
 * Issue 15, "time" and "numbers never clip", asked through the UI: the display zone follows
 * the venue's zone the events give, times not of today carry their date, a name that is not a
 * zone is refused with a message, reports take any zone; and a store busy enough for five-digit
 * figures per minute keeps every number readable.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendCheckIns } from '../helpers/checkin-event';
import { screenshot, waitQuiescent } from '../helpers/e2e';
import { columnIndex, startDashboard, tableCells } from '../helpers/supervisor-e2e';

const ZONE = 'America/New_York';

describe('time', () => {
  it('Are times in the venue’s zone, dated when not today, a wrong zone refused, any zone in reports?', async () => {
    const d = await startDashboard({ prefix: 'time', rate: 0 });
    const { page, sim } = d;
    try {
      const now = Date.now();
      // A multi-day festival: yesterday's scan and one from a few seconds ago.
      const times = [now - 26 * 3_600_000, now - 5000];
      appendCheckIns(
        sim,
        // A producer field the contract does not define, kept by the app: the venue's zone.
        times.map((t, i) => ({
          id: `ci-time-${i}`,
          checkedInAt: t,
          ticketId: `tkt-time-${i}`,
          name: `Guest ${i}`,
          email: `guest${i}@example.com`,
          extra: { venue_time_zone: ZONE },
        })),
      );
      await waitQuiescent(sim, d.run);
      // The default zone is the venue's, named by the events.
      await expect.poll(() => page.locator('.zone').innerText()).toBe(`Times: ${ZONE} (venue)`);
      await page.keyboard.press('5');
      await expect.poll(async () => (await tableCells(page, 'checkins')).length).toBe(2);
      const timeCol = await columnIndex(page, 'checkins', 'Checked in');
      const [today, yesterday] = (await tableCells(page, 'checkins')).map((r) => r[timeCol]!);
      const readAt = Date.now();
      const day = (ms: number) =>
        new Intl.DateTimeFormat(undefined, {
          weekday: 'short',
          day: 'numeric',
          month: 'short',
          timeZone: ZONE,
        }).format(ms);
      const clock = (ms: number) =>
        new Intl.DateTimeFormat(undefined, { timeStyle: 'medium', timeZone: ZONE }).format(ms);
      const date = (ms: number) =>
        new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone: ZONE }).format(ms);
      expect(yesterday).toBe(`${day(times[0]!)}, ${clock(times[0]!)}`);
      // Undated when it is of the venue's today as the page renders it: a run across the venue's
      // midnight (05:00 UTC in winter) may have rendered it on either side.
      expect(
        date(times[1]!) === date(readAt)
          ? [clock(times[1]!)]
          : [clock(times[1]!), `${day(times[1]!)}, ${clock(times[1]!)}`],
      ).toContain(today);
      await screenshot(page, 'q12-checkins-dated');

      // "Berlin" is not a zone: refused with a message naming the one meant; nothing saved.
      await page.keyboard.press('9');
      const zone = page.getByTestId('settings-timezone');
      await zone.fill('Berlin');
      expect(await page.getByTestId('settings-timezone-problem').innerText()).toContain(
        'Europe/Berlin',
      );
      await page.getByTestId('settings-form').getByRole('button', { name: 'Save' }).click();
      expect(await page.getByTestId('settings-message').innerText()).toMatch(
        /^Not saved: “Berlin”/,
      );
      expect(await page.locator('.zone').innerText()).toBe(`Times: ${ZONE} (venue)`);
      await screenshot(page, 'q12-zone-refused');
      // Picked from the list of IANA zones: saved, and every time follows.
      const options = await page.locator('datalist option').count();
      expect(options).toBeGreaterThan(300);
      await zone.fill('Europe/Berlin');
      await page.getByTestId('settings-form').getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => page.locator('.zone').innerText()).toBe('Times: Europe/Berlin');
      await zone.waitFor();
      expect(await zone.inputValue()).toBe('Europe/Berlin');

      // A report in any zone: Tokyo times in the CSV.
      await page.keyboard.press('8');
      await page.getByTestId('reports-view').and(page.locator('[data-state="ready"]')).waitFor();
      const tz = page.getByTestId('report-tz');
      expect(await tz.inputValue()).toBe('Europe/Berlin');
      await tz.fill('Mars/Olympus');
      await page.getByTestId('report-start').click();
      expect(await page.getByTestId('report-error').innerText()).toContain('not a time zone');
      await tz.fill('Asia/Tokyo');
      await page.getByTestId('report-start').click();
      const link = page.getByTestId('report-download');
      await link.waitFor({ timeout: 30_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const file = join(d.dir, 'tokyo.csv');
      await download.saveAs(file);
      const csv = await readFile(file, 'utf8');
      expect(
        csv
          .split('\r\n')
          .filter((l) => l.includes('tkt-time-'))
          .every((l) => l.includes('+09:00')),
      ).toBe(true);
    } finally {
      await d.close();
    }
  }, 120_000);
});

describe('big numbers', () => {
  it('With five-digit arrivals per minute, do the cards and the chart axis stay readable?', async () => {
    const d = await startDashboard({
      prefix: 'big',
      backlog: 30_000,
      backlogSpanMs: 60_000,
      viewport: { width: 1024, height: 700 },
    });
    const { page } = d;
    try {
      const chart = page.getByTestId('arrivals-chart').locator('.chart-box');
      await expect
        .poll(() => chart.getAttribute('data-y-labels'), { timeout: 20_000 })
        .toMatch(/K/);
      const labels = (await chart.getAttribute('data-y-labels'))!.split(' · ');
      // Compact: "5K · 10K", never a clipped "0,000".
      for (const l of labels) expect(l).toMatch(/^(0|\d+(\.\d)?K)$/);
      for (const size of [
        { width: 1024, height: 700 },
        { width: 1280, height: 800 },
      ]) {
        await page.setViewportSize(size);
        const clipped = await page.evaluate(() =>
          [...document.querySelectorAll('.stat-value, .stat-sub, .stat h3, .banner > *')]
            .filter((e) => (e as HTMLElement).scrollWidth > (e as HTMLElement).clientWidth + 1)
            .map((e) => (e as HTMLElement).innerText),
        );
        expect(clipped).toEqual([]);
        await screenshot(page, `q11-big-numbers-${size.width}`);
      }
      expect(await page.getByTestId('total-checkins').innerText()).toMatch(/^\d{2},\d{3}$/);
    } finally {
      await d.close();
    }
  }, 180_000);
});
