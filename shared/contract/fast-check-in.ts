/**
 * The check-in contract as plain checks: the fast path of classify for the common case, a valid
 * check-in. zod (schemas.ts) stays the source of truth and the only thing that explains a
 * refusal: this path either says "valid, here are the fields" or "not sure", never "invalid", and
 * classify asks zod whenever it is not sure. It must therefore never accept what
 * `checkInEventSchema` refuses (a differential test holds it to that, and to the same fields).
 * Why: zod cost about 40 µs a message at catch-up rates, a fifth of ingest's CPU, and each
 * timestamp was parsed twice (once by the schema, once for the fields).
 */
import { checkInFieldsFrom, type CheckInFields } from './check-in';
import {
  CHECK_IN_DATASCHEMA_PREFIX,
  CHECK_IN_SOURCE,
  CHECK_IN_TYPE,
  JSON_CONTENT_TYPE,
  MAX_ID_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_TEXT_LENGTH,
  SCHEMA_VERSION,
  SUBJECT,
} from './schemas';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseRfc3339 } from './timestamp';

type Json = Readonly<Record<string, unknown>>;

const CHECK_IN_DATASCHEMA = `${CHECK_IN_DATASCHEMA_PREFIX}1`;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH;
}

function isOptionalId(value: unknown): boolean {
  return value === undefined || isId(value);
}

function isOptionalText(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= MAX_TEXT_LENGTH);
}

/** Epoch ms of a timestamp the contract accepts, else null. */
function timestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = parseRfc3339(value);
  return ms !== null && ms >= MIN_TIMESTAMP_MS && ms < MAX_TIMESTAMP_MS ? ms : null;
}

function isEnvelope(event: Json): boolean {
  const { time, subject, datacontenttype, dataschema, idempotency_key, sequence } = event;
  return (
    event['specversion'] === '1.0' &&
    isId(event['id']) &&
    event['source'] === CHECK_IN_SOURCE &&
    event['type'] === CHECK_IN_TYPE &&
    (time === undefined || timestamp(time) !== null) &&
    (subject === undefined ||
      (typeof subject === 'string' &&
        subject.length <= MAX_TEXT_LENGTH &&
        SUBJECT.test(subject))) &&
    (datacontenttype === undefined ||
      (typeof datacontenttype === 'string' && JSON_CONTENT_TYPE.test(datacontenttype))) &&
    (dataschema === undefined || dataschema === CHECK_IN_DATASCHEMA) &&
    (idempotency_key === undefined ||
      (typeof idempotency_key === 'string' &&
        idempotency_key.length <= MAX_IDEMPOTENCY_KEY_LENGTH)) &&
    (sequence === undefined || (typeof sequence === 'string' && sequence.length <= MAX_ID_LENGTH))
  );
}

function isSchemaVersion(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = SCHEMA_VERSION.exec(value);
  return m !== null && m[1] === '1';
}

/**
 * The indexed fields of `event` when it is certainly a valid check-in; null when it may not be
 * (then zod decides). The caller has already refused forbidden keys and excessive depth.
 */
export function fastCheckInFields(event: Json): CheckInFields | null {
  if (!isEnvelope(event)) return null;
  const data = event['data'];
  if (!isObject(data)) return null;
  const attendee = data['attendee'];
  if (!isObject(attendee) || !isOptionalText(attendee['name'])) return null;
  if (!isOptionalText(attendee['email'])) return null;
  if (
    !isId(data['check_in_id']) ||
    !isId(data['event_id']) ||
    !isId(data['event_product_id']) ||
    !isId(data['scanner_session_id']) ||
    !isId(data['ticket_id']) ||
    !isOptionalId(data['device_id']) ||
    !isOptionalId(data['gate']) ||
    data['event_type'] !== CHECK_IN_TYPE ||
    !isSchemaVersion(data['schema_version']) ||
    timestamp(data['occurred_at']) === null
  ) {
    return null;
  }
  const checkedInAt = timestamp(data['checked_in_at']);
  if (checkedInAt === null) return null;
  return checkInFieldsFrom(data as Parameters<typeof checkInFieldsFrom>[0], checkedInAt);
}
