/**
 * Each laptop says every few seconds, on its venue's stream, who it is and what it holds
 * (`gateops.<venue>.presence.<laptop>`, one message kept per laptop). That is how the operations
 * centre states each venue's freshness: the newest word from any of its laptops, which stops
 * moving while the venue's uplink is down.
 */
import { type JetStreamClient, DeliverPolicy } from '@nats-io/jetstream';
import { PRESENCE_TOKEN } from './sync-collection';
import { encodeDocId, SUBJECT_ROOT, venueToken } from './venue-naming';

export interface PresenceMessage {
  readonly laptopId: string;
  readonly name: string;
  readonly venue: string;
  /** When the laptop sent this (its clock). */
  readonly at: number;
  /** Documents it holds per synced collection. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface VenueFreshness {
  readonly venue: string;
  /** Newest word from any of the venue's laptops; null: none heard yet. */
  readonly asOf: number | null;
  readonly laptops: readonly PresenceMessage[];
}

export function presenceSubject(venue: string, laptopId: string): string {
  return `${SUBJECT_ROOT}.${venueToken(venue)}.${PRESENCE_TOKEN}.${encodeDocId(laptopId)}`;
}

function parsePresence(data: Uint8Array): PresenceMessage | null {
  try {
    const p = JSON.parse(new TextDecoder().decode(data)) as Partial<PresenceMessage>;
    if (typeof p.laptopId !== 'string' || typeof p.at !== 'number' || !Number.isFinite(p.at))
      return null;
    if (typeof p.venue !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(p.venue))
      return null;
    if (typeof p.name !== 'string' || typeof p.counts !== 'object' || p.counts === null)
      return null;
    return {
      laptopId: p.laptopId.slice(0, 128),
      name: p.name.slice(0, 200),
      venue: p.venue,
      at: p.at,
      counts: p.counts,
    };
  } catch {
    return null;
  }
}

/** Reads every laptop's latest presence (then live) from `stream`; `venues`: `*` or one venue. */
export class PresenceReader {
  private readonly byLaptop = new Map<string, PresenceMessage>();
  private closed = false;
  private close: (() => Promise<void>) | null = null;

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly venue: string | '*',
    private readonly onChange: () => void,
  ) {}

  async start(): Promise<void> {
    const v = this.venue === '*' ? '*' : venueToken(this.venue);
    const consumer = await this.js.consumers.get(this.stream, {
      filter_subjects: `${SUBJECT_ROOT}.${v}.${PRESENCE_TOKEN}.>`,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const messages = await consumer.consume({ max_messages: 100 });
    this.close = () => messages.close().then(() => undefined);
    if (this.closed) await this.close();
    void (async () => {
      for await (const m of messages) {
        const p = parsePresence(m.data);
        if (!p) continue;
        const key = `${p.venue}\u0000${p.laptopId}`;
        const before = this.byLaptop.get(key);
        if (!before || before.at <= p.at) this.byLaptop.set(key, p);
        this.onChange();
      }
    })().catch(() => undefined);
  }

  freshness(venues: readonly string[]): VenueFreshness[] {
    return venues.map((venue) => {
      const token = venueToken(venue);
      const laptops = [...this.byLaptop.values()]
        .filter((p) => venueToken(p.venue) === token)
        .sort((a, b) => a.name.localeCompare(b.name));
      const asOf = laptops.length ? Math.max(...laptops.map((p) => p.at)) : null;
      return { venue, asOf, laptops };
    });
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.close?.().catch(() => undefined);
  }
}

export async function publishPresence(js: JetStreamClient, p: PresenceMessage): Promise<void> {
  await js.publish(presenceSubject(p.venue, p.laptopId), JSON.stringify(p));
}
