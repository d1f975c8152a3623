/** The simulated venue: deterministic, realistic, and its ledger agrees with the contract. */
import { describe, expect, it } from 'vitest';
import { classify, fingerprint } from '../../../../shared/contract';
import { EventGenerator, RelayHistory, formatSequence } from '../../../../electron/demo-venue';

function run(seed: number, n: number, options = {}) {
  const g = new EventGenerator({ seed, ...options });
  const base = Date.parse('2026-05-05T18:00:00Z');
  const messages = Array.from({ length: n }, (_, i) => g.next(base + i * 50));
  return { g, messages, base };
}

function text(m: { event: Readonly<Record<string, unknown>> | null; raw: string | null }): string {
  return m.event !== null ? JSON.stringify(m.event) : m.raw!;
}

describe('EventGenerator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = run(7, 3000).messages.map(text);
    const b = run(7, 3000).messages.map(text);
    const c = run(8, 3000).messages.map(text);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps a ledger that the contract classifier agrees with, message by message', () => {
    const { g, messages } = run(3, 20_000, {
      mix: { redelivery: 0.05, invalid: 0.02, otherType: 0.02, conflict: 0.005, lateBatch: 0.002 },
    });
    const stored = new Map<string, string>();
    let redeliveries = 0;
    let conflicts = 0;
    let rejected = 0;
    let skipped = 0;
    const tickets = new Set<string>();
    let reentries = 0;
    for (const m of messages) {
      const v = classify(text(m));
      if (v.verdict === 'rejected') {
        expect(m.kind).toBe('invalid');
        rejected += 1;
      } else if (v.verdict === 'skipped') {
        expect(m.kind).toBe('other-type');
        skipped += 1;
      } else {
        const known = stored.get(v.key);
        if (known === undefined) {
          stored.set(v.key, v.fields.fingerprint);
          if (tickets.has(v.fields.ticketId)) reentries += 1;
          tickets.add(v.fields.ticketId);
        } else if (known === v.fields.fingerprint) {
          expect(m.kind).toBe('redelivery');
          redeliveries += 1;
        } else {
          expect(m.kind).toBe('conflict');
          conflicts += 1;
        }
      }
    }
    const l = g.ledger;
    expect(stored).toEqual(l.unique);
    expect({ redeliveries, conflicts, rejected, skipped, reentries }).toEqual({
      redeliveries: l.redeliveries,
      conflicts: l.conflicts,
      rejected: l.invalid,
      skipped: l.otherType,
      reentries: l.reentries,
    });
    expect(Math.min(redeliveries, conflicts, rejected, skipped, reentries, l.late)).toBeGreaterThan(
      0,
    );
  });

  it('models a stadium: 30–40 gates, ~150 devices, rotating sessions, names and e-mails', () => {
    const { g, messages } = run(1, 30_000);
    const gates = new Set<string>();
    const devices = new Set<string>();
    const sessionsPerDevice = new Map<string, Set<string>>();
    const products = new Set<string>();
    for (const m of messages) {
      const d = (m.event?.['data'] ?? {}) as Record<string, any>;
      if (m.kind !== 'checkin' && m.kind !== 'reentry') continue;
      gates.add(d.gate);
      devices.add(d.device_id);
      products.add(d.event_product_id);
      if (!sessionsPerDevice.has(d.device_id)) sessionsPerDevice.set(d.device_id, new Set());
      sessionsPerDevice.get(d.device_id)!.add(d.scanner_session_id);
      expect(d.attendee.name).toMatch(/^\S+ \S+/);
      expect(d.attendee.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    }
    expect(gates.size).toBeGreaterThanOrEqual(30);
    expect(gates.size).toBeLessThanOrEqual(40);
    expect(devices.size).toBeGreaterThan(130);
    expect(devices.size).toBeLessThanOrEqual(150);
    expect(products.size).toBeGreaterThan(3);
    // Sessions rotate: some devices went through more than one.
    expect([...sessionsPerDevice.values()].some((s) => s.size > 1)).toBe(true);
    expect(g.venue.gates.length).toBe(36);
  });

  it('has late uploads checked in minutes before they are sent, and keeps unknown fields', () => {
    const { messages } = run(4, 20_000, { mix: { lateBatch: 0.003, extraFields: 0.1 } });
    const late = messages.filter((m) => m.kind === 'late');
    expect(late.length).toBeGreaterThan(10);
    for (const m of late) {
      const e = m.event as Record<string, any>;
      expect(Date.parse(e.time) - Date.parse(e.data.checked_in_at)).toBeGreaterThanOrEqual(60_000);
    }
    const extra = messages.filter((m) => (m.event as any)?.data?.scanner_firmware !== undefined);
    expect(extra.length).toBeGreaterThan(100);
    for (const m of extra.slice(0, 50)) expect(classify(text(m)).verdict).not.toBe('rejected');
  });

  it('uses the small preset for a club', () => {
    const g = new EventGenerator({ seed: 2, preset: 'small' });
    expect(g.venue.gates.length).toBe(4);
    expect(g.venue.devices.length).toBe(12);
  });

  it('gives a conflict a different payload fingerprint under the same key', () => {
    const { messages } = run(9, 20_000, { mix: { conflict: 0.01 } });
    const firstByKey = new Map<string, string>();
    for (const m of messages) {
      if (!m.key || !m.event || m.kind === 'invalid' || m.kind === 'other-type') continue;
      const fp = fingerprint(m.event['data']);
      if (m.kind === 'conflict') expect(fp).not.toBe(firstByKey.get(m.key));
      else if (!firstByKey.has(m.key)) firstByKey.set(m.key, fp);
    }
  });
});

describe('RelayHistory', () => {
  it('stamps ordered sequences and finds the place after any cursor', () => {
    const h = new RelayHistory(100);
    for (let i = 0; i < 50; i++) h.append({ n: i }, null);
    h.append(null, 'raw text');
    expect(h.sequenceAt(0)).toBe(formatSequence(101));
    expect(JSON.parse(h.at(0)!)).toEqual({ n: 0, sequence: '000000000101' });
    expect(h.at(50)).toBe('raw text');
    expect(h.indexAfter(null)).toBe(0);
    expect(h.indexAfter('000000000101')).toBe(1);
    expect(h.indexAfter('000000000125')).toBe(25);
    expect(h.indexAfter('000000000099')).toBe(0);
    expect(h.indexAfter('999999999999')).toBe(51);
    for (let i = 1; i < h.length; i++) expect(h.sequenceAt(i)! > h.sequenceAt(i - 1)!).toBe(true);
  });
});
