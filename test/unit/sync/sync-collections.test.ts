/** What a peer may write: every synced document is checked against its collection's schema and rules. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../electron/db/open-store';
import { ackDocId, randomDocId, type AckDoc, type NoteDoc } from '../../../electron/db';
import { jsonSchemaToZod } from '../../../electron/sync/schema-to-zod';
import {
  SYNC_COLLECTION_NAMES,
  validatePushedDocument,
  validateSyncDocument,
} from '../../../electron/sync/sync-collections';
import { checkInEvent, ingest, memoryStore } from '../../helpers/sync';

let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

async function storedCheckIn(): Promise<Record<string, unknown>> {
  const store = await memoryStore();
  stores.push(store);
  await ingest(store, [checkInEvent(1)]);
  const [doc] = await store.db.checkins.find().exec();
  return doc!.toJSON() as unknown as Record<string, unknown>;
}

const laptopId = randomDocId();
const ack = (): AckDoc => ({
  id: ackDocId('device-idle:d1:100', laptopId),
  alertId: 'device-idle:d1:100',
  laptopId,
  author: 'North doors — Anna',
  at: 1_777_000_000_000,
});
const note = (): NoteDoc => ({
  id: randomDocId(),
  laptopId,
  author: 'North doors — Anna',
  at: 1_777_000_000_000,
  gate: 'North 1',
  text: 'Scanner 4 swapped for the spare.',
  corrects: '',
});

describe('sync collections', () => {
  it('syncs check-ins, acknowledgements, notes and conflicts, and nothing local', () => {
    expect([...SYNC_COLLECTION_NAMES].sort()).toEqual(['acks', 'checkins', 'conflicts', 'notes']);
    for (const local of ['state', 'quarantine', 'tickets', 'settings']) {
      const r = validateSyncDocument(local, { id: 'x' });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/does not sync/);
    }
  });

  it('accepts a check-in exactly as the ingest path stored it', async () => {
    const doc = await storedCheckIn();
    expect(validateSyncDocument('checkins', doc)).toMatchObject({ ok: true });
    expect(validatePushedDocument('checkins', { ...doc, _deleted: false }).ok).toBe(true);
  });

  it('refuses a check-in under another id, with an unknown field, or with a wrong type', async () => {
    const doc = await storedCheckIn();
    const planted = validateSyncDocument('checkins', { ...doc, id: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(planted).toEqual({
      ok: false,
      error: 'checkins: id is not the digest of the dedupe key',
    });
    const extra = validateSyncDocument('checkins', { ...doc, extra: 1 });
    expect(extra.ok).toBe(false);
    const wrong = validateSyncDocument('checkins', { ...doc, checkedInAt: 'yesterday' });
    expect(!wrong.ok && wrong.error).toMatch(/^checkins: checkedInAt: /);
    const { ticketId: _omit, ...missing } = doc;
    expect(validateSyncDocument('checkins', missing).ok).toBe(false);
  });

  it('refuses deletions and documents that are not objects', async () => {
    const doc = await storedCheckIn();
    expect(validatePushedDocument('checkins', { ...doc, _deleted: true })).toEqual({
      ok: false,
      error: 'checkins: documents are append-only (deleted)',
    });
    expect(validatePushedDocument('checkins', doc).ok).toBe(false);
    expect(validatePushedDocument('acks', null).ok).toBe(false);
    expect(validatePushedDocument('acks', [ack()]).ok).toBe(false);
  });

  it('checks acknowledgement ids are derived from alert and laptop', () => {
    expect(validateSyncDocument('acks', ack()).ok).toBe(true);
    const other = { ...ack(), laptopId: randomDocId() };
    expect(validateSyncDocument('acks', other)).toEqual({
      ok: false,
      error: 'acks: id is not derived from alert and laptop',
    });
    expect(validateSyncDocument('acks', { ...ack(), laptopId: 'me' }).ok).toBe(false);
  });

  it('bounds notes: text up to 2,000 characters, not empty, a correction points at another note', () => {
    expect(validateSyncDocument('notes', note()).ok).toBe(true);
    expect(validateSyncDocument('notes', { ...note(), text: 'x'.repeat(2000) }).ok).toBe(true);
    const long = validateSyncDocument('notes', { ...note(), text: 'x'.repeat(2001) });
    expect(!long.ok && long.error).toMatch(/^notes: text: /);
    expect(validateSyncDocument('notes', { ...note(), text: '  \n ' }).ok).toBe(false);
    const n = note();
    expect(validateSyncDocument('notes', { ...n, corrects: n.id })).toEqual({
      ok: false,
      error: 'notes: a note cannot correct itself',
    });
    expect(validateSyncDocument('notes', { ...n, corrects: randomDocId() }).ok).toBe(true);
    expect(validateSyncDocument('notes', { ...n, corrects: '../x' }).ok).toBe(false);
  });
});

describe('schema to zod', () => {
  it('refuses to build a validator for a keyword it does not know', () => {
    expect(() =>
      jsonSchemaToZod({ type: 'object', properties: { a: { type: 'string', pattern: '^a' } } }),
    ).toThrow(/unsupported keyword "pattern" at \$\.a/);
  });

  it('enforces bounds, integers and prototype-free free-form objects', () => {
    const v = jsonSchemaToZod({
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 0, maximum: 10 },
        o: { type: 'object' },
        list: { type: 'array', items: { type: 'string', maxLength: 2 } },
      },
      required: ['n'],
    });
    expect(v.safeParse({ n: 3, o: { a: 1 }, list: ['ab'] }).success).toBe(true);
    expect(v.safeParse({ n: 3.5 }).success).toBe(false);
    expect(v.safeParse({ n: 11 }).success).toBe(false);
    expect(v.safeParse({ n: 1, list: ['abc'] }).success).toBe(false);
    expect(v.safeParse({ n: 1, o: JSON.parse('{"x":{"__proto__":{}}}') }).success).toBe(false);
  });
});
