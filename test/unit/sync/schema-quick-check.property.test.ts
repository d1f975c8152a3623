/**
 * The quick schema check in front of zod (schema-to-zod.ts): it may only ever accept what the
 * zod validator of the same schema accepts, for every synced collection; and it does accept the
 * documents the app writes, so the common case skips zod.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ackDocId,
  conflictDoc,
  randomDocId,
  type AckDoc,
  type NoteDoc,
} from '../../../electron/db';
import { jsonSchemaQuickCheck, jsonSchemaToZod } from '../../../electron/sync/schema-to-zod';
import {
  SYNC_COLLECTIONS,
  SYNC_COLLECTION_NAMES,
  validateSyncDocument,
} from '../../../electron/sync/sync-collections';
import { classify } from '../../../shared/contract';
import { checkInDocs, checkInEvent } from '../../helpers/sync';

/** Runs of each property (the suite's own; run it once at 10× by hand before landing). */
const RUNS = Number(process.env.QUICK_CHECK_RUNS ?? 200);

function verdict(text: string) {
  const v = classify(text);
  if (v.verdict !== 'checkin') throw new Error('not a check-in');
  return v;
}

async function examples(): Promise<Record<string, Array<Record<string, unknown>>>> {
  const laptopId = randomDocId();
  const ack: AckDoc = {
    id: ackDocId('device-idle:d1:100', laptopId),
    alertId: 'device-idle:d1:100',
    laptopId,
    author: 'North doors — Anna',
    at: 1_777_000_000_000,
  };
  const note: NoteDoc = {
    id: randomDocId(),
    laptopId,
    author: 'North doors — Anna',
    at: 1_777_000_000_000,
    gate: 'North 1',
    text: 'Scanner 4 swapped for the spare.',
    corrects: '',
  };
  const stored = verdict(checkInEvent(1));
  const other = verdict(checkInEvent(1, { gate: 'Moved', sequence: '000000000009' }));
  const conflict = conflictDoc(
    other.key,
    stored.fields.fingerprint,
    other.fields.fingerprint,
    other.event,
  );
  return {
    checkins: (await checkInDocs(1, 3)) as unknown as Array<Record<string, unknown>>,
    acks: [ack as unknown as Record<string, unknown>],
    notes: [note as unknown as Record<string, unknown>],
    conflicts: [conflict as unknown as Record<string, unknown>],
  };
}

/** A copy of `doc` with the value at `path` replaced by `value` (deleted when undefined). */
function mutated(doc: Record<string, unknown>, path: readonly string[], value: unknown) {
  const copy = structuredClone(doc);
  let cur: Record<string, unknown> = copy;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== 'object') return copy;
    cur = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** Paths of a document's fields, one level into nested objects (events, attendee). */
function pathsOf(value: unknown, prefix: string[] = [], depth = 0): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: string[][] = [];
  for (const key of Object.keys(value)) {
    out.push([...prefix, key]);
    if (depth < 2)
      out.push(...pathsOf((value as Record<string, unknown>)[key], [...prefix, key], depth + 1));
  }
  out.push([...prefix, 'unknownField']);
  out.push([...prefix, '__proto__']);
  return out;
}

/** A value for a failure message (some generated values cannot be turned into JSON). */
function shown(v: unknown): string {
  try {
    return String(JSON.stringify(v));
  } catch {
    return String(v);
  }
}

const oddValue = fc.oneof(
  fc.jsonValue(),
  fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
  fc.constantFrom(
    undefined,
    NaN,
    Infinity,
    -0,
    2 ** 53,
    1.5,
    '',
    'x'.repeat(129),
    JSON.parse('{"__proto__":{"a":1}}'),
    JSON.parse('{"constructor":1}'),
    Object.create({ inherited: 1 }),
    [],
    new Date(0),
  ),
);

describe('the quick schema check', () => {
  it('accepts the documents the app writes, so they skip zod', async () => {
    const all = await examples();
    for (const name of SYNC_COLLECTION_NAMES) {
      const quick = jsonSchemaQuickCheck(SYNC_COLLECTIONS[name].schema as never);
      for (const doc of all[name]!) {
        expect(quick(doc), name).toBe(true);
        expect(validateSyncDocument(name, doc).ok).toBe(true);
      }
    }
  });

  it('never accepts a document zod refuses (mutated documents, any value)', async () => {
    const all = await examples();
    for (const name of SYNC_COLLECTION_NAMES) {
      const schema = SYNC_COLLECTIONS[name].schema as never;
      const quick = jsonSchemaQuickCheck(schema);
      const zod = jsonSchemaToZod(schema);
      const docs = all[name]!;
      const paths = pathsOf(docs[0]);
      const soundOn = (v: unknown) => {
        if (quick(v) && !zod.safeParse(v).success) {
          expect.fail(`${name}: the quick check accepted what zod refuses: ${shown(v)}`);
        }
      };
      fc.assert(
        fc.property(
          fc.constantFrom(...docs),
          fc.constantFrom(...paths),
          fc.option(oddValue, { nil: undefined }),
          (doc, path, value) => soundOn(mutated(doc, path, value)),
        ),
        { numRuns: RUNS },
      );
      fc.assert(fc.property(oddValue, soundOn), { numRuns: RUNS });
    }
  });

  it('refuses with zod’s words when it is not sure', async () => {
    const doc = (await examples()).checkins![0]!;
    const r = validateSyncDocument('checkins', { ...doc, gate: 'x'.repeat(129) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^checkins: gate: /);
    const extra = validateSyncDocument('checkins', { ...doc, extra: 1 });
    expect(extra.ok).toBe(false);
  });
});
