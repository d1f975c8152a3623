/**
 * The life of alerts on this laptop: which are open, when an episode began (for rules whose
 * data does not say), and the alerts whose cause cleared (history), kept in one `state`
 * document so a restart neither forgets the history nor re-dates an open episode. An alert
 * open before a restart and no longer open after it is cleared at the restart.
 */
import type { AlertVm } from '../../shared/api/channels/alerts';
import type { RuleAlert } from '../../shared/domain/alert-rules';
import type { GateOpsDatabase } from '../db';

export const ALERT_HISTORY_ID = 'alert-history';
/** Cleared alerts kept, newest first. */
export const MAX_HISTORY = 1000;

export type OpenAlertVm = Omit<AlertVm, 'acknowledgedAt'>;

interface StoredHistory {
  /** Condition key → when its episode began (only for rules without a `since` of their own). */
  episodes: Record<string, number>;
  open: OpenAlertVm[];
  cleared: OpenAlertVm[];
}

export interface Transition {
  readonly open: ReadonlyArray<OpenAlertVm>;
  /** Ids that were not open before this evaluation. */
  readonly raised: ReadonlyArray<OpenAlertVm>;
  readonly cleared: ReadonlyArray<OpenAlertVm>;
}

export class AlertHistory {
  private episodes = new Map<string, number>();
  private open = new Map<string, OpenAlertVm>();
  private cleared: OpenAlertVm[] = [];
  private openIds = '';

  constructor(
    private readonly db: GateOpsDatabase,
    private readonly now: () => number,
  ) {}

  async load(): Promise<void> {
    const stored = await this.db.state.findOne(ALERT_HISTORY_ID).exec();
    const v = stored?.toJSON().value as Partial<StoredHistory> | undefined;
    if (!v) return;
    if (v.episodes && typeof v.episodes === 'object') {
      for (const [k, at] of Object.entries(v.episodes))
        if (typeof at === 'number') this.episodes.set(k, at);
    }
    if (Array.isArray(v.open)) for (const a of v.open) this.open.set(a.id, a);
    if (Array.isArray(v.cleared)) this.cleared = v.cleared.slice(0, MAX_HISTORY);
    this.openIds = [...this.open.keys()].join('\n');
  }

  /** Turns what the rules report into alerts with ids, and records what opened and cleared. */
  apply(rules: ReadonlyArray<RuleAlert>): Transition {
    const now = this.now();
    const keys = new Set<string>();
    const next = new Map<string, OpenAlertVm>();
    for (const r of rules) {
      keys.add(r.key);
      let since = r.since;
      if (since === undefined) {
        since = this.episodes.get(r.key) ?? now;
        this.episodes.set(r.key, since);
      }
      const { key, episode, items, ...rest } = r;
      const id = `${key}@${episode ?? since}`;
      next.set(id, {
        ...rest,
        ...(items ? { items: [...items] } : {}),
        id,
        since,
        clearedAt: null,
      });
    }
    for (const k of this.episodes.keys()) if (!keys.has(k)) this.episodes.delete(k);
    const raised = [...next.values()].filter((a) => !this.open.has(a.id));
    const cleared: OpenAlertVm[] = [];
    for (const [id, a] of this.open) {
      if (!next.has(id)) cleared.push({ ...a, clearedAt: now });
    }
    if (cleared.length > 0)
      this.cleared = [...cleared.reverse(), ...this.cleared].slice(0, MAX_HISTORY);
    this.open = next;
    return { open: [...next.values()], raised, cleared };
  }

  /** True when what is stored no longer matches (ids opened or cleared). */
  get dirty(): boolean {
    return [...this.open.keys()].join('\n') !== this.openIds;
  }

  history(): ReadonlyArray<OpenAlertVm> {
    return this.cleared;
  }

  async persist(): Promise<void> {
    const value: StoredHistory = {
      episodes: Object.fromEntries(this.episodes),
      open: [...this.open.values()],
      cleared: this.cleared,
    };
    await this.db.state.upsert({
      id: ALERT_HISTORY_ID,
      value: value as unknown as Record<string, unknown>,
      updatedAt: this.now(),
    });
    this.openIds = [...this.open.keys()].join('\n');
  }
}
