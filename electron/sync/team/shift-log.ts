/**
 * The shift log: notes in the `notes` collection (append-only, synced). A correction is a new
 * note pointing at the one it corrects; the list shows both, the old one marked corrected.
 */
import type { RxCollection } from 'rxdb';
import { Subject, type Observable } from 'rxjs';
import type { NotesList, NoteVm } from '../../../shared/api/channels/sync';
import { randomDocId, type NoteDoc } from '../../db';
import { validateSyncDocument } from '../sync-collections';

export interface ShiftLogOptions {
  readonly notes: RxCollection<NoteDoc> | null;
  readonly laptopId: () => string;
  readonly author: () => string;
  readonly now?: () => number;
}

export class ShiftLog {
  private readonly changed = new Subject<void>();
  readonly changes$: Observable<void> = this.changed.asObservable();
  private readonly sub: { unsubscribe(): void } | null;

  constructor(private readonly options: ShiftLogOptions) {
    // Local and replicated inserts alike (a note from another laptop appears at once).
    this.sub =
      options.notes?.storageInstance.changeStream().subscribe(() => this.changed.next()) ?? null;
  }

  async list(limit: number): Promise<NotesList> {
    const { notes } = this.options;
    if (!notes) return { notes: [], omitted: 0, available: false };
    const [docs, total] = await Promise.all([
      notes.find({ sort: [{ at: 'desc' }, { id: 'desc' }], limit }).exec(),
      notes.count().exec(),
    ]);
    const vms: NoteVm[] = docs.map((d) => ({
      id: d.id,
      author: d.author,
      laptopId: d.laptopId,
      at: d.at,
      gate: d.gate,
      text: d.text,
      corrects: d.corrects || null,
      correctedBy: [],
    }));
    const byId = new Map(vms.map((v) => [v.id, v]));
    for (const v of [...vms].reverse()) {
      if (v.corrects) byId.get(v.corrects)?.correctedBy.push(v.id);
    }
    return { notes: vms, omitted: Math.max(0, total - vms.length), available: true };
  }

  async add(input: { text: string; gate: string; corrects: string | null }): Promise<string> {
    const { notes } = this.options;
    if (!notes) throw new Error('this store has no shift log');
    if (input.corrects && !(await notes.findOne(input.corrects).exec())) {
      throw new Error('the note to correct does not exist');
    }
    const doc: NoteDoc = {
      id: randomDocId(),
      laptopId: this.options.laptopId(),
      author: this.options.author().slice(0, 80),
      at: (this.options.now ?? Date.now)(),
      gate: input.gate,
      text: input.text,
      corrects: input.corrects ?? '',
    };
    // The same rules the hub applies: a note this laptop writes is one every laptop accepts.
    const v = validateSyncDocument('notes', doc);
    if (!v.ok) throw new Error(v.error);
    await notes.insert(doc);
    return doc.id;
  }

  close(): void {
    this.sub?.unsubscribe();
    this.changed.complete();
  }
}
