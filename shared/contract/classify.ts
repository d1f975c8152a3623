/**
 * One verdict for any incoming message: a check-in, a skipped event of another type, or a
 * rejection with every reason found. Never throws; bounded work on hostile input (size checked
 * before decoding, depth and forbidden keys checked before any schema runs).
 */
import type { z } from 'zod';
import { checkInFields, dedupeKey, type CheckInFields } from './check-in';
import { fastCheckInFields } from './fast-check-in';
import { jsonPath, reason, type Reason, type ReasonCode } from './reasons';
import {
  CHECK_IN_TYPE,
  checkInEventSchema,
  clip,
  cloudEventEnvelopeSchema,
  MAX_ID_LENGTH,
} from './schemas';
import { scanTopLevelSequence } from './sequence-scan';

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonObject = Readonly<Record<string, unknown>>;

export interface CheckInVerdict {
  readonly verdict: 'checkin';
  readonly key: string;
  /** What the store indexes (the stored document's fields next to the event). */
  readonly fields: CheckInFields;
  /** The relay's `sequence` stamp, when the event carries one (not part of the stored event). */
  readonly sequence: string | null;
  /** The parsed event, untouched: unknown fields included. */
  readonly event: JsonObject;
  /** The message text exactly as received (less a leading byte-order mark). */
  readonly text: string;
}

export interface SkippedVerdict {
  readonly verdict: 'skipped';
  readonly key: string | null;
  readonly type: string;
  /** The relay's `sequence` stamp, when the event carries one. */
  readonly sequence: string | null;
  readonly event: JsonObject;
  readonly text: string;
}

export interface RejectedVerdict {
  readonly verdict: 'rejected';
  readonly key: string | null;
  readonly reasons: ReadonlyArray<Reason>;
  /** As much of the message as could be kept: all of it, or the first bytes of an oversized one. */
  readonly text: string;
  /** Size of the message in bytes (UTF-8). */
  readonly size: number;
  readonly truncated: boolean;
  /**
   * The relay's `sequence` stamp when one can be read (also from a message over the size limit
   * or with invalid UTF-8): what lets the cursor move past a quarantined message.
   */
  readonly sequence: string | null;
}

export type Classification = CheckInVerdict | SkippedVerdict | RejectedVerdict;

export interface ClassifyOptions {
  readonly maxBytes?: number;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

function utf8Size(text: string): number {
  return encoder.encode(text).byteLength;
}

function rejected(
  reasons: Reason[],
  text: string,
  size: number,
  key: string | null = null,
  truncated = false,
  sequence: string | null = null,
): RejectedVerdict {
  return { verdict: 'rejected', key, reasons, text, size, truncated, sequence };
}

/** A usable `sequence` stamp: a non-empty string no longer than an identifier. */
function stamp(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH
    ? value
    : null;
}

export function classify(
  input: string | Uint8Array,
  options: ClassifyOptions = {},
): Classification {
  try {
    return classifyUnsafe(input, options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  } catch (error) {
    // Defensive: the steps below are written not to throw; if one ever does, the message is
    // still kept, with the failure as its reason.
    const text =
      typeof input === 'string'
        ? input.slice(0, 4096)
        : lossyDecoder.decode(input.subarray(0, 4096));
    const size = typeof input === 'string' ? input.length : input.byteLength;
    return rejected(
      [reason('not_json', '$', `the message could not be read: ${clip(String(error))}`)],
      text,
      size,
      null,
      text.length < size,
    );
  }
}

function classifyUnsafe(input: string | Uint8Array, maxBytes: number): Classification {
  let text: string;
  // The exact UTF-8 size of a text message is wanted only for a refusal (a message of at most
  // maxBytes / 3 characters cannot exceed maxBytes bytes): most messages are never measured.
  // -1: not measured yet (sizeOf measures it).
  let bytes = -1;
  if (typeof input === 'string') {
    if (input.length * 3 > maxBytes) {
      bytes = input.length > maxBytes ? input.length : utf8Size(input);
      if (bytes > maxBytes) {
        return rejected(
          [reason('too_large', '$', `the message is ${bytes} bytes; the limit is ${maxBytes}`)],
          input.slice(0, 1024),
          bytes,
          null,
          true,
          stamp(scanTopLevelSequence(input)),
        );
      }
    }
    text = input;
  } else {
    bytes = input.byteLength;
    if (bytes > maxBytes) {
      return rejected(
        [reason('too_large', '$', `the message is ${bytes} bytes; the limit is ${maxBytes}`)],
        lossyDecoder.decode(input.subarray(0, 1024)),
        bytes,
        null,
        true,
        stamp(scanTopLevelSequence(input)),
      );
    }
    try {
      text = strictDecoder.decode(input);
    } catch {
      return rejected(
        [reason('invalid_utf8', '$', 'the message is not valid UTF-8 text')],
        lossyDecoder.decode(input),
        bytes,
        null,
        false,
        stamp(scanTopLevelSequence(input)),
      );
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return rejected(
      [reason('not_json', '$', `the message is not JSON (${clip(detail, 80)})`)],
      text,
      sizeOf(input, bytes),
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const got =
      parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return rejected(
      [reason('not_object', '$', `the message must be a JSON object, not ${got}`)],
      text,
      sizeOf(input, bytes),
    );
  }
  const parsedEvent = parsed as JsonObject;
  const sequence = stamp(parsedEvent['sequence']);
  const structural = checkStructure(parsedEvent);
  const type = parsedEvent['type'];
  if (structural.length === 0 && type === CHECK_IN_TYPE) {
    // The common case, checked without zod (fast-check-in.ts); zod decides whenever it is not sure.
    const fields = fastCheckInFields(parsedEvent);
    const key = fields === null ? null : dedupeKey(parsedEvent);
    if (fields !== null && key !== null) {
      return { verdict: 'checkin', key, fields, sequence, event: parsedEvent, text };
    }
  }
  // Too deep: stop here (the schema walk must stay bounded). Forbidden keys: every other reason
  // is still wanted, so the schema checks a copy without them (nothing ever reads such a key).
  const size = sizeOf(input, bytes);
  if (structural.some((r) => r.code === 'too_deep')) {
    return rejected(structural, text, size, safeKey(parsedEvent), false, sequence);
  }
  const event = structural.length > 0 ? withoutForbiddenKeys(parsedEvent) : parsedEvent;
  const refuse = (issues: ReadonlyArray<z.core.$ZodIssue>) =>
    rejected(
      [...structural, ...toReasons(issues, event)],
      text,
      size,
      safeKey(event),
      false,
      sequence,
    );

  if (typeof type === 'string' && type !== CHECK_IN_TYPE) {
    const envelope = cloudEventEnvelopeSchema.safeParse(event, { reportInput: true });
    if (!envelope.success) return refuse(envelope.error.issues);
    if (structural.length > 0) return refuse([]);
    return { verdict: 'skipped', key: dedupeKey(event), type, sequence, event, text };
  }

  const checkIn = checkInEventSchema.safeParse(event, { reportInput: true });
  if (!checkIn.success) return refuse(checkIn.error.issues);
  if (structural.length > 0) return refuse([]);
  const key = dedupeKey(event);
  if (key === null) {
    return rejected(
      [reason('required', '$.id', 'the event has no id to deduplicate it by')],
      text,
      size,
      null,
      false,
      sequence,
    );
  }
  return {
    verdict: 'checkin',
    key,
    fields: checkInFields(checkIn.data.data),
    sequence,
    event,
    text,
  };
}

function sizeOf(input: string | Uint8Array, bytes: number): number {
  return bytes >= 0 ? bytes : typeof input === 'string' ? utf8Size(input) : input.byteLength;
}

function safeKey(event: JsonObject): string | null {
  const key = dedupeKey(event);
  return key !== null && key.length <= 1024 ? key : null;
}

/** Depth limit and prototype-polluting keys, walked iteratively so deep input cannot overflow. */
interface Frame {
  readonly value: object;
  readonly depth: number;
  readonly parent: Frame | null;
  readonly key: string | number | null;
}

/** The JSON path of a frame, built only when a reason needs it (most messages need none). */
function framePath(frame: Frame, last?: string): string {
  const segments: Array<string | number> = last === undefined ? [] : [last];
  for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent)
    segments.push(f.key);
  return jsonPath(segments.reverse());
}

function checkStructure(root: object): Reason[] {
  const reasons: Reason[] = [];
  const stack: Frame[] = [{ value: root, depth: 1, parent: null, key: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > MAX_DEPTH) {
      reasons.push(
        reason('too_deep', framePath(frame), `the message nests deeper than ${MAX_DEPTH} levels`),
      );
      break;
    }
    const { value } = frame;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (v !== null && typeof v === 'object') {
          stack.push({ value: v, depth: frame.depth + 1, parent: frame, key: i });
        }
      }
      continue;
    }
    for (const k of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(k)) {
        reasons.push(reason('forbidden_key', framePath(frame, k), `the key "${k}" is not allowed`));
        if (reasons.length >= 20) return reasons;
      }
      const v = (value as Record<string, unknown>)[k];
      if (v !== null && typeof v === 'object') {
        stack.push({ value: v, depth: frame.depth + 1, parent: frame, key: k });
      }
    }
  }
  return reasons;
}

/** A copy without the forbidden keys (depth is already checked: the recursion is bounded). */
function withoutForbiddenKeys(value: JsonObject): JsonObject {
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(copy);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(v)) if (!FORBIDDEN_KEYS.has(k)) out[k] = copy(inner);
    return out;
  };
  return copy(value) as JsonObject;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text "${clip(value, 40)}"`;
  return `${typeof value} ${String(value)}`;
}

function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? 'the event' : path.map(String).join('.');
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, seg)
      ? (cur as Record<PropertyKey, unknown>)[seg]
      : undefined;
  }
  return cur;
}

function toReasons(issues: ReadonlyArray<z.core.$ZodIssue>, event: JsonObject): Reason[] {
  const out: Reason[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const r = toReason(issue, event);
    const id = `${r.code} ${r.path}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(r);
    }
  }
  return out;
}

function toReason(issue: z.core.$ZodIssue, event: JsonObject): Reason {
  const path = jsonPath(issue.path);
  const name = fieldName(issue.path);
  const input = valueAt(event, issue.path);
  let code: ReasonCode;
  let message: string;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) {
        code = 'required';
        message = `${name} is required but missing`;
      } else {
        code = 'wrong_type';
        message = `${name} must be ${article(issue.expected)}, not ${describe(input)}`;
      }
      break;
    case 'too_small':
      code = 'empty';
      message = `${name} must not be empty`;
      break;
    case 'too_big':
      code = 'too_long';
      message = `${name} is longer than ${String(issue.maximum)} characters`;
      break;
    case 'invalid_value': {
      if (input === undefined) {
        code = 'required';
        message = `${name} is required but missing`;
        break;
      }
      const expected = issue.values.map((v) => JSON.stringify(v)).join(' or ');
      if (issue.values.length > 0 && issue.values.every((v) => typeof v !== typeof input)) {
        code = 'wrong_type';
        message = `${name} must be ${article(typeof issue.values[0])}, not ${describe(input)}`;
        break;
      }
      const last = issue.path[issue.path.length - 1];
      if (last === 'event_type' && issue.path.length === 2 && issue.path[0] === 'data') {
        code = 'event_type_mismatch';
        message = `data.event_type is ${describe(input)} but the event type is ${expected}`;
      } else {
        code = 'wrong_value';
        message = `${name} must be ${expected}, not ${describe(input)}`;
      }
      break;
    }
    case 'custom': {
      const params = issue.params as { reason?: ReasonCode } | undefined;
      code = params?.reason ?? 'wrong_value';
      message = issue.message;
      break;
    }
    case 'invalid_format':
      code = 'wrong_value';
      message = `${name}: ${issue.message}`;
      break;
    default:
      code = 'wrong_value';
      message = `${name}: ${issue.message}`;
  }
  return reason(code, path, message);
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
