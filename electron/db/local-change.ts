/** Turns what `LocalCheckIns.record` did into the rows a committed change publishes. */
import type { RxCollection } from 'rxdb';
import type { CheckInDoc } from './collections/checkins';
import { checkInRow, type LocalChange, type LocalCheckIns, type LocalRow } from './local-checkins';

export async function describeChange(
  checkins: Pick<RxCollection<CheckInDoc>, 'storageInstance'>,
  local: LocalCheckIns,
  docs: ReadonlyArray<Readonly<CheckInDoc>>,
  recorded: {
    readonly locals: ReadonlyArray<LocalRow>;
    readonly flipped: ReadonlyArray<{ id: string; flip: number }>;
  },
): Promise<LocalChange> {
  const rows = docs.map((doc, i) => checkInRow(doc, recorded.locals[i]!));
  if (recorded.flipped.length === 0) return { docs, rows, flips: [] };
  const byId = new Map(docs.map((d) => [d.id, d]));
  const missing = recorded.flipped.map((f) => f.id).filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const found = await checkins.storageInstance.findDocumentsById([...new Set(missing)], false);
    for (const doc of found) byId.set(doc.id, doc);
  }
  const locals = local.get([...new Set(recorded.flipped.map((f) => f.id))]);
  const flips: Array<LocalChange['flips'][number]> = [];
  for (const f of recorded.flipped) {
    const doc = byId.get(f.id);
    const l = locals.get(f.id);
    // Both exist: the flip was recorded against a stored check-in in this same transaction.
    if (doc && l) flips.push({ ...checkInRow(doc, { ...l, reentry: true }), flip: f.flip });
  }
  return { docs, rows, flips };
}
