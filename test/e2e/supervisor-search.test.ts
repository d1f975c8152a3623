/**
 * Issue 15, "find anyone", asked through the UI: a surname inside a name, a name typed without
 * its accent, the end of a ticket id, the start of an e-mail, a device id and two words at once
 * find what a supervisor means in "Any field"; the match is marked; one field can be chosen.
 */
import { describe, expect, it } from 'vitest';
import { appendCheckIns, type CheckInEventFields } from '../helpers/checkin-event';
import { screenshot, waitQuiescent } from '../helpers/e2e';
import { columnIndex, startDashboard, tableCells } from '../helpers/supervisor-e2e';

const PEOPLE = [
  { name: 'Björn Schmidt', email: 'bjoern.schmidt@fans.example.net' },
  { name: 'Anna Schmidt-Weber', email: 'anna.sw@example.com' },
  { name: 'Renée Ünal', email: 'renee.unal@mail.example.org' },
  { name: 'Tom Smith', email: 'tom.smith@example.com' },
  { name: 'Zoë Dubois', email: 'zoe@example.com' },
  { name: 'Carmen García', email: 'carmen.garcia@example.com' },
];

const fold = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

describe('find anyone', () => {
  it('Does search find a surname, "Bjorn" for Björn, a ticket suffix, an e-mail prefix, and mark it?', async () => {
    const d = await startDashboard({ prefix: 'search', rate: 0 });
    const { page, sim } = d;
    try {
      const now = Date.now();
      const events: CheckInEventFields[] = Array.from({ length: 180 }, (_, i) => {
        const p = PEOPLE[i % PEOPLE.length]!;
        return {
          id: `ci-search-${String(i).padStart(4, '0')}`,
          checkedInAt: now - (180 - i) * 10_000,
          ticketId: `TKT-2026-${String(7000 + i)}-HF`,
          name: p.name,
          email: p.email,
          gate: ['North 01', 'South 02', 'West 03'][i % 3]!,
          deviceId: `scanner-${String(i % 7).padStart(2, '0')}`,
          sessionId: `shift-${i % 4}`,
        };
      });
      appendCheckIns(sim, events);
      await waitQuiescent(sim, d.run);
      const matching = (text: string, fields: (e: CheckInEventFields) => string[]) => {
        const words = text.split(/\s+/).filter(Boolean).map(fold);
        return events.filter((e) => words.every((w) => fields(e).some((f) => fold(f).includes(w))));
      };
      const anyField = (e: CheckInEventFields) => [
        e.name ?? '',
        e.email ?? '',
        e.ticketId,
        e.id,
        e.sessionId ?? '',
        e.deviceId ?? '',
      ];

      await page.keyboard.press('5');
      await page.keyboard.press('/');
      const search = page.getByTestId('search-input');
      await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
      const total = page.getByTestId('checkins-total');
      const nameCol = await columnIndex(page, 'checkins', 'Attendee');
      const ticketCol = await columnIndex(page, 'checkins', 'Ticket');

      /** Types the text; the count is every stored match; the rows shown match, marked. */
      const ask = async (text: string, expected: CheckInEventFields[]) => {
        await search.fill(text);
        await expect.poll(() => total.innerText()).toBe(expected.length.toLocaleString('en-US'));
        const rows = await tableCells(page, 'checkins');
        expect(rows.length).toBeGreaterThan(0);
        // Newest first: the first row is the newest match.
        const newest = [...expected].sort((a, b) => b.checkedInAt - a.checkedInAt)[0]!;
        expect(rows[0]![ticketCol]).toBe(newest.ticketId);
        return rows;
      };

      // A surname inside the name ("Schmidt-Weber" too), not only a name's beginning.
      const schmidt = matching('Schmidt', anyField);
      expect(schmidt.length).toBe(60);
      const rows = await ask('Schmidt', schmidt);
      expect(rows.every((r) => r[nameCol]!.includes('Schmidt'))).toBe(true);
      const marks = await page.getByTestId('checkins').getByTestId('match').allInnerTexts();
      expect(marks.length).toBeGreaterThan(0);
      expect(marks.every((m) => fold(m) === 'schmidt')).toBe(true);
      await screenshot(page, 'q1-search-surname');
      // At 1280 wide the names are whole ("Anna Schmidt-Weber", marked), not cut with "…":
      // Attendee has the room, Product less.
      expect(page.viewportSize()?.width).toBe(1280);
      const cutNames = await page
        .getByTestId('checkins')
        .getByTestId('checkins-row')
        .evaluateAll(
          (els, col) =>
            els
              .map((r) => r.querySelectorAll<HTMLElement>('[role=gridcell]')[col]!)
              .filter((cell) => cell.scrollWidth > cell.clientWidth)
              .map((cell) => cell.innerText),
          nameCol,
        );
      expect(cutNames).toEqual([]);
      const productCol = await columnIndex(page, 'checkins', 'Product');
      const headerWidths = await page
        .getByTestId('checkins')
        .locator('[role=columnheader]')
        .evaluateAll((hs) => hs.map((h) => h.getBoundingClientRect().width));
      expect(headerWidths[nameCol]!).toBeGreaterThan(headerWidths[productCol]! * 1.5);

      // Typed without the accent, in lower case: Björn, marked as written.
      const bjorn = await ask('bjorn', matching('bjorn', anyField));
      expect(bjorn.every((r) => r[nameCol] === 'Björn Schmidt')).toBe(true);
      // ("bjoern" in the e-mail is not "bjorn": only the name is marked.)
      expect(
        new Set(await page.getByTestId('checkins').getByTestId('match').allInnerTexts()),
      ).toEqual(new Set(['Björn']));
      await screenshot(page, 'q1-search-accent');

      // The end of a ticket id; the start of an e-mail; a device id; two words together.
      await ask('7123-hf', matching('7123-hf', anyField));
      expect(matching('7123-hf', anyField)).toHaveLength(1);
      await ask('renee.un', matching('renee.un', anyField));
      await ask('scanner-03', matching('scanner-03', anyField));
      const two = matching('ünal scanner-03', anyField);
      expect(two.length).toBeGreaterThan(0);
      await ask('ünal scanner-03', two);

      // One field: "schmidt" in the e-mail is only Björn's address.
      await search.fill('schmidt');
      await page.getByLabel('Search in').selectOption('email');
      const inEmail = matching('schmidt', (e) => [e.email ?? '']);
      await expect.poll(() => total.innerText()).toBe(String(inEmail.length));
      expect(
        (await tableCells(page, 'checkins')).every((r) => r[nameCol] === 'Björn Schmidt'),
      ).toBe(true);
      await page.getByLabel('Search in').selectOption('any');

      // Nothing matches: it says so.
      await search.fill('nobody-by-that-name');
      await page.getByTestId('checkins-empty').waitFor();
      expect(await total.innerText()).toBe('0');
      await screenshot(page, 'q1-search-nothing');
    } finally {
      await d.close();
    }
  }, 120_000);
});
