/**
 * Quarantined messages and conflicting redeliveries not yet acknowledged: everything above the
 * arrival number acknowledged last. Quarantine is counted through its `ingestSeq` index,
 * conflicts through their local facts (conflicts sync, their arrival numbers here do not), and
 * only again when something new arrived or the mark moved. The marks are this laptop's own, kept
 * in one `state` document.
 */
import type { SeqBacklog } from '../../shared/domain/alert-rules';
import { countRaw, localConflicts, queryRaw, withStoreLock, type GateOpsDatabase } from '../db';

export const SEQ_ACKS_ID = 'alert-seq-acks';
/** Where the quarantine mark lived before it had a document of its own. */
const LEGACY_ACKS_ID = 'alert-acks';

export type SeqKind = 'quarantine' | 'conflict';

interface Marks {
  quarantine: number;
  conflict: number;
}

export class SeqBacklogs {
  private marks: Marks = { quarantine: 0, conflict: 0 };
  private readonly cache = new Map<SeqKind, { forSeq: number; mark: number; value: SeqBacklog }>();

  constructor(
    private readonly db: GateOpsDatabase,
    private readonly now: () => number,
  ) {}

  async load(): Promise<void> {
    const stored = await this.db.state.findOne(SEQ_ACKS_ID).exec();
    const v = stored?.toJSON().value as Partial<Marks> | undefined;
    if (v) {
      this.marks = {
        quarantine: typeof v.quarantine === 'number' ? v.quarantine : 0,
        conflict: typeof v.conflict === 'number' ? v.conflict : 0,
      };
      return;
    }
    const legacy = await this.db.state.findOne(LEGACY_ACKS_ID).exec();
    const q = (legacy?.toJSON().value as { quarantineSeq?: unknown } | undefined)?.quarantineSeq;
    if (typeof q === 'number') this.marks.quarantine = q;
  }

  private async quarantined(lastSeq: number, mark: number): Promise<SeqBacklog> {
    const selector = { ingestSeq: { $gt: mark } };
    const collection = this.db.quarantine;
    const [count, first] = await Promise.all([
      countRaw(collection, { selector }),
      queryRaw(collection, { selector, sort: [{ ingestSeq: 'asc' }], limit: 1 }),
    ]);
    return {
      lastSeq,
      unacknowledged: count,
      firstSeq: first[0]?.ingestSeq ?? null,
      firstAt: first[0]?.receivedAt ?? null,
    };
  }

  /** Conflicts by their arrival here (LocalConflicts: relay, peer or lost to the hub alike). */
  private async conflicts(lastSeq: number, mark: number): Promise<SeqBacklog> {
    const local = localConflicts(this.db);
    const { count, first } = await withStoreLock(this.db, () => Promise.resolve(local.after(mark)));
    return {
      lastSeq,
      unacknowledged: count,
      firstSeq: first?.seq ?? null,
      firstAt: first?.receivedAt ?? null,
    };
  }

  /** The backlog of `kind` given the highest sequence it holds (the activity model keeps it). */
  async backlog(kind: SeqKind, lastSeq: number): Promise<SeqBacklog> {
    const mark = this.marks[kind];
    if (lastSeq <= mark) return { lastSeq, unacknowledged: 0, firstSeq: null, firstAt: null };
    const cached = this.cache.get(kind);
    if (cached && cached.forSeq === lastSeq && cached.mark === mark) return cached.value;
    const value =
      kind === 'conflict'
        ? await this.conflicts(lastSeq, mark)
        : await this.quarantined(lastSeq, mark);
    this.cache.set(kind, { forSeq: lastSeq, mark, value });
    return value;
  }

  /** Everything of `kind` up to `seq` is acknowledged. */
  async acknowledge(kind: SeqKind, seq: number): Promise<void> {
    if (seq <= this.marks[kind]) return;
    this.marks = { ...this.marks, [kind]: seq };
    await this.db.state.upsert({
      id: SEQ_ACKS_ID,
      value: { ...this.marks },
      updatedAt: this.now(),
    });
  }
}
