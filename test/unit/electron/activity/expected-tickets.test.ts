import { describe, expect, it } from 'vitest';
import { ExpectedTicketsImport } from '../../../../electron/activity/expected-tickets';

async function importText(text: string, defaultEvent: string | null = null, part = 7) {
  const imp = new ExpectedTicketsImport(() => defaultEvent);
  let importId: string | undefined;
  for (let at = 0; ; at += part) {
    const done = at + part >= text.length;
    const r = await imp.part({
      importId,
      fileName: 'tickets.csv',
      text: text.slice(at, at + part),
      done,
    });
    importId = r.importId;
    if (done) return r.result!;
  }
}

describe('CSV of expected tickets', () => {
  it('counts each ticket once per event, per gate too, read in small parts', async () => {
    const csv =
      '\ufeffTicket ID,Event,Gate\nT1,E1,North\nT2,E1,North\nT2,E1,North\nT3,E2,\n,E1,North\nT4,"E2",South\n';
    const r = await importText(csv);
    expect(r).toMatchObject({
      tickets: 4,
      events: { E1: 2, E2: 2 },
      gates: { North: 2, South: 1 },
      duplicates: 1,
      skipped: 1,
    });
    expect(r.problems).toEqual(['line 6: no ticket id']);
  });

  it('puts a file without an event column on the one event in the store, or says what is missing', async () => {
    expect((await importText('ticket_id\nA\nB\n', 'evt-1')).events).toEqual({ 'evt-1': 2 });
    await expect(importText('ticket_id\nA\n', null)).rejects.toThrow(/no event_id column/);
    await expect(importText('name,email\nx,y\n', 'evt-1')).rejects.toThrow(/ticket_id/);
    await expect(importText('ticket_id,event_id\n', 'evt-1')).rejects.toThrow(/lists no tickets/);
    await expect(importText('ticket_id,event_id\n"unclosed,E1\n', null)).rejects.toThrow(
      /not a readable CSV/,
    );
  });

  it('forgets an import that is not continued, and refuses parts of an unknown one', async () => {
    const imp = new ExpectedTicketsImport(() => null);
    await expect(
      imp.part({ importId: 'nope', fileName: 'x.csv', text: '', done: true }),
    ).rejects.toThrow(/no longer open/);
  });
});
