/**
 * Generates the relay's traffic for a simulated venue: check-ins, re-entries, redeliveries, late
 * uploads from a device that was offline, unknown extra fields, other event types, invalid
 * messages and now and then a same-key-different-payload conflict. Deterministic for a seed.
 *
 * The ledger records what a correct consumer must end up with (unique valid check-ins by dedupe
 * key, and how many of each kind were sent), so tests can check a store exactly.
 */
import { dedupeKey, fingerprint } from '../../shared/contract';
import { Prng } from './prng';
import { Venue, VENUE_PRESETS, type VenuePreset, type VenueShape } from './venue';

export type MessageKind =
  'checkin' | 'reentry' | 'late' | 'redelivery' | 'conflict' | 'invalid' | 'other-type';

export interface GeneratedMessage {
  readonly kind: MessageKind;
  /** The CloudEvent as an object (the relay stamps `sequence` into it), or null for raw text. */
  readonly event: Readonly<Record<string, unknown>> | null;
  /** The raw text, for messages that are not a JSON object. */
  readonly raw: string | null;
  readonly key: string | null;
  /** For new check-ins: the payload fingerprint the store must keep, and whether it was uploaded late. */
  readonly fingerprint?: string;
  readonly late?: boolean;
}

export interface GeneratorMix {
  /** Share of messages that are redeliveries of an earlier check-in. */
  readonly redelivery: number;
  /** Share of new check-ins that re-use an already scanned ticket. */
  readonly reentry: number;
  readonly invalid: number;
  readonly otherType: number;
  readonly conflict: number;
  /** Chance per message that a device uploads a late batch it buffered while offline. */
  readonly lateBatch: number;
  /** Share of events that carry unknown extra fields. */
  readonly extraFields: number;
  /** Share of invalid messages that are over the 64 KiB limit (kept small: they are big). */
  readonly oversize: number;
}

export const DEFAULT_MIX: GeneratorMix = {
  redelivery: 0.03,
  reentry: 0.02,
  invalid: 0.005,
  otherType: 0.01,
  conflict: 0.001,
  lateBatch: 0.0005,
  extraFields: 0.05,
  oversize: 0.02,
};

export interface GeneratorOptions {
  readonly seed?: number;
  readonly preset?: VenuePreset;
  readonly venue?: Partial<VenueShape>;
  readonly mix?: Partial<GeneratorMix>;
}

export interface Ledger {
  /** Dedupe key → fingerprint of the first (stored) payload of every unique valid check-in. */
  readonly unique: Map<string, string>;
  /** Unique check-ins whose ticket had been checked in before. */
  reentries: number;
  redeliveries: number;
  conflicts: number;
  invalid: number;
  otherType: number;
  late: number;
  total: number;
}

const REDELIVERY_WINDOW = 2000;

export class EventGenerator {
  readonly venue: Venue;
  readonly ledger: Ledger = {
    unique: new Map(),
    reentries: 0,
    redeliveries: 0,
    conflicts: 0,
    invalid: 0,
    otherType: 0,
    late: 0,
    total: 0,
  };
  private readonly rng: Prng;
  private readonly mix: GeneratorMix;
  private readonly runTag: string;
  private checkInNo = 0;
  private nextAttendee = 0;
  /** Tickets already scanned (bounded sample, for re-entries). */
  private readonly scanned: number[] = [];
  /** Recent valid check-ins, for redeliveries and conflicts. */
  private readonly recent: Array<Readonly<Record<string, unknown>>> = [];
  private readonly pending: GeneratedMessage[] = [];

  constructor(options: GeneratorOptions = {}) {
    const seed = options.seed ?? 1;
    this.rng = new Prng(seed);
    const shape = { ...VENUE_PRESETS[options.preset ?? 'stadium'], ...options.venue };
    this.venue = new Venue(shape, new Prng(seed ^ 0x5eed));
    this.mix = { ...DEFAULT_MIX, ...options.mix };
    this.runTag = `s${seed.toString(36)}`;
  }

  /** The next message, with its timestamps around `at` (epoch ms: when the scan reaches the relay). */
  next(at: number): GeneratedMessage {
    const message = this.pending.shift() ?? this.fresh(at);
    // The ledger counts what is emitted (a late batch is created at once but sent one by one).
    const l = this.ledger;
    l.total += 1;
    if (message.fingerprint !== undefined && message.key !== null) {
      l.unique.set(message.key, message.fingerprint);
      if (message.kind === 'reentry') l.reentries += 1;
      if (message.late) l.late += 1;
    } else if (message.kind === 'redelivery') l.redeliveries += 1;
    else if (message.kind === 'conflict') l.conflicts += 1;
    else if (message.kind === 'invalid') l.invalid += 1;
    else if (message.kind === 'other-type') l.otherType += 1;
    return message;
  }

  private fresh(at: number): GeneratedMessage {
    const r = this.rng.next();
    const m = this.mix;
    let edge = m.invalid;
    if (r < edge) return this.invalid(at);
    if (r < (edge += m.otherType)) return this.otherType(at);
    if (r < (edge += m.redelivery) && this.recent.length > 0) return this.redelivery();
    if (r < (edge += m.conflict) && this.recent.length > 0) return this.conflict(at);
    if (this.rng.chance(m.lateBatch)) {
      // Queued messages go out before any new one, so nothing can redeliver them first.
      this.queueLateBatch(at);
      return this.pending.shift()!;
    }
    return this.checkIn(at, at - this.rng.int(200, 3000), 'checkin');
  }

  private checkIn(at: number, checkedInAt: number, kind: MessageKind): GeneratedMessage {
    const device = this.venue.nextDevice();
    let ticketNo: number;
    let reentry = false;
    if (this.scanned.length > 0 && this.rng.chance(this.mix.reentry)) {
      ticketNo = this.rng.pick(this.scanned);
      reentry = true;
    } else {
      ticketNo = this.nextAttendee++;
      if (this.scanned.length < 50_000) this.scanned.push(ticketNo);
      else this.scanned[this.rng.int(0, this.scanned.length - 1)] = ticketNo;
    }
    this.checkInNo += 1;
    const checkInId = `ci-${this.runTag}-${this.checkInNo.toString(36).padStart(7, '0')}`;
    const ticketId = `tkt-${this.runTag}-${ticketNo.toString(36).padStart(6, '0')}`;
    const data: Record<string, unknown> = {
      attendee: this.venue.attendee(ticketNo),
      check_in_id: checkInId,
      checked_in_at: iso(checkedInAt),
      device_id: device.id,
      event_id: this.venue.shape.eventId,
      event_product_id: this.venue.product().id,
      event_type: 'ticketing.check_in.created',
      gate: device.gate,
      occurred_at: iso(checkedInAt),
      scanner_session_id: device.sessionId,
      schema_version: '1.0',
      ticket_id: ticketId,
    };
    const event: Record<string, unknown> = {
      data,
      datacontenttype: 'application/json',
      dataschema: 'https://schemas.cope.com/events/ticketing.check_in.created/v1',
      id: `ticketing.check_in.created:${checkInId}`,
      idempotency_key: `ticketing.check_in.created:${checkInId}`,
      source: 'cope.ticketing',
      specversion: '1.0',
      subject: `check_in:${checkInId}`,
      time: iso(at),
      type: 'ticketing.check_in.created',
    };
    if (this.rng.chance(this.mix.extraFields)) {
      // Fields a newer producer adds: a consumer must keep them, not choke on them.
      event['traceparent'] = `00-${this.rng.token(32)}-${this.rng.token(16)}-01`;
      data['scanner_firmware'] = `4.${this.rng.int(0, 9)}.${this.rng.int(0, 30)}`;
      data['lane'] = { number: this.rng.int(1, 6), accessible: this.rng.chance(0.1) };
    }
    const key = dedupeKey(event)!;
    this.recent.push(event);
    if (this.recent.length > REDELIVERY_WINDOW) this.recent.shift();
    return {
      kind: reentry ? 'reentry' : kind,
      event,
      raw: null,
      key,
      fingerprint: fingerprint(data),
      late: kind === 'late',
    };
  }

  /** A device that was out of reach uploads what it scanned meanwhile, minutes old. */
  private queueLateBatch(at: number): void {
    const count = this.rng.int(10, 60);
    const from = at - this.rng.int(5, 20) * 60_000;
    for (let i = 0; i < count; i++) {
      const checkedInAt = from + Math.floor(((at - 60_000 - from) * i) / count);
      this.pending.push(this.checkIn(at, checkedInAt, 'late'));
    }
  }

  private redelivery(): GeneratedMessage {
    const event = this.rng.pick(this.recent);
    return { kind: 'redelivery', event, raw: null, key: dedupeKey(event) };
  }

  private conflict(at: number): GeneratedMessage {
    const original = this.rng.pick(this.recent);
    const data = { ...(original['data'] as Record<string, unknown>) };
    // The producer re-used an idempotency key for a different scan: surface it, never overwrite.
    data['gate'] = this.rng.pick(this.venue.gates);
    data['checked_in_at'] = iso(at);
    const event = { ...original, data, time: iso(at) };
    const storedData = original['data'];
    if (fingerprint(data) === fingerprint(storedData)) return this.redelivery();
    return { kind: 'conflict', event, raw: null, key: dedupeKey(event) };
  }

  private otherType(at: number): GeneratedMessage {
    const device = this.rng.pick(this.venue.devices);
    const heartbeat = this.rng.chance(0.7);
    const id = `${heartbeat ? 'hb' : 'tr'}-${this.runTag}-${this.ledger.total.toString(36)}`;
    const event = heartbeat
      ? {
          specversion: '1.0',
          id,
          source: 'cope.devices',
          type: 'device.heartbeat',
          time: iso(at),
          data: { device_id: device.id, battery: this.rng.int(5, 100) },
        }
      : {
          specversion: '1.0',
          id,
          source: 'cope.ticketing',
          type: 'ticketing.ticket.transferred',
          time: iso(at),
          data: { ticket_id: `tkt-${this.runTag}-${this.rng.int(0, 99999).toString(36)}` },
        };
    return { kind: 'other-type', event, raw: null, key: dedupeKey(event) };
  }

  private invalid(at: number): GeneratedMessage {
    const base = this.checkInShape(at);
    const data = base['data'] as Record<string, unknown>;
    const variant = this.rng.int(0, 6);
    if (this.rng.chance(this.mix.oversize)) {
      data['notes'] = 'x'.repeat(70 * 1024);
      return this.invalidEvent(base);
    }
    switch (variant) {
      case 0:
        data['checked_in_at'] = 'yesterday at the north gate';
        break;
      case 1:
        delete data['ticket_id'];
        break;
      case 2:
        data['schema_version'] = '2.0';
        break;
      case 3:
        data['event_type'] = 'ticketing.check_in.deleted';
        break;
      case 4:
        data['gate'] = 17;
        break;
      case 5:
        return {
          kind: 'invalid',
          event: null,
          raw: `${JSON.stringify(base).slice(0, 90)}`,
          key: null,
        };
      default:
        base['specversion'] = '0.3';
    }
    return this.invalidEvent(base);
  }

  private invalidEvent(event: Record<string, unknown>): GeneratedMessage {
    return { kind: 'invalid', event, raw: null, key: dedupeKey(event) };
  }

  /** A check-in shaped event that is not recorded in the ledger (to be broken on purpose). */
  private checkInShape(at: number): Record<string, unknown> {
    const id = `bad-${this.runTag}-${this.ledger.total.toString(36)}`;
    const device = this.rng.pick(this.venue.devices);
    return {
      data: {
        attendee: this.venue.attendee(this.rng.int(0, 1000)),
        check_in_id: id,
        checked_in_at: iso(at),
        device_id: device.id,
        event_id: this.venue.shape.eventId,
        event_product_id: 'prod-general',
        event_type: 'ticketing.check_in.created',
        gate: device.gate,
        occurred_at: iso(at),
        scanner_session_id: device.sessionId,
        schema_version: '1.0',
        ticket_id: `tkt-bad-${id}`,
      },
      id: `ticketing.check_in.created:${id}`,
      source: 'cope.ticketing',
      specversion: '1.0',
      type: 'ticketing.check_in.created',
      time: iso(at),
    };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
