/**
 * zod schemas for the CloudEvents 1.0 structured envelope and the `ticketing.check_in.created` v1
 * payload (../shared/contract/). Unknown fields are allowed everywhere (`looseObject`); the
 * original event is kept verbatim by the caller, never rebuilt from a parse result.
 */
import { z } from 'zod';
import type { ReasonCode } from './reasons';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseRfc3339 } from './timestamp';

export const CHECK_IN_TYPE = 'ticketing.check_in.created';
export const CHECK_IN_SOURCE = 'cope.ticketing';
export const CHECK_IN_DATASCHEMA_PREFIX =
  'https://schemas.cope.com/events/ticketing.check_in.created/v';

/** Upper bounds for identifiers: they become index keys, so a hostile megabyte id is refused. */
export const MAX_ID_LENGTH = 128;
export const MAX_SOURCE_LENGTH = 256;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 512;
export const MAX_TEXT_LENGTH = 1024;

/** Shared with the fast path (fast-check-in.ts), which must agree with these schemas. */
export const SCHEMA_VERSION = /^(\d{1,4})\.(\d{1,4})$/;
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]*\+)?json\s*(;.*)?$/i;
export const SUBJECT = /^check_in:.+$/;

function fail(ctx: z.RefinementCtx, code: ReasonCode, message: string): void {
  ctx.addIssue({ code: 'custom', message, params: { reason: code } });
}

const id = z.string().min(1).max(MAX_ID_LENGTH);
const text = z.string().max(MAX_TEXT_LENGTH);

const timestamp = z.string().superRefine((value, ctx) => {
  const ms = parseRfc3339(value);
  if (ms === null) {
    fail(
      ctx,
      'invalid_timestamp',
      `"${clip(value)}" is not an RFC 3339 timestamp with a time zone`,
    );
  } else if (ms < MIN_TIMESTAMP_MS || ms >= MAX_TIMESTAMP_MS) {
    fail(
      ctx,
      'invalid_timestamp',
      `"${clip(value)}" is outside the supported range (1970 to 2099)`,
    );
  }
});

/** `major.minor` with major 1 passes; another major is "unsupported", not guessed at. */
const schemaVersion = z.string().superRefine((value, ctx) => {
  const m = SCHEMA_VERSION.exec(value);
  if (!m) fail(ctx, 'wrong_value', `schema version "${clip(value)}" is not of the form 1.x`);
  else if (m[1] !== '1')
    fail(
      ctx,
      'unsupported_major',
      `unsupported major version: schema version ${value} (this app reads 1.x)`,
    );
});

const dataschema = z.string().superRefine((value, ctx) => {
  if (!value.startsWith(CHECK_IN_DATASCHEMA_PREFIX)) {
    fail(ctx, 'wrong_value', `dataschema "${clip(value)}" is not the check-in schema`);
    return;
  }
  const major = value.slice(CHECK_IN_DATASCHEMA_PREFIX.length);
  if (!/^\d{1,4}$/.test(major))
    fail(ctx, 'wrong_value', `dataschema "${clip(value)}" has no version`);
  else if (major !== '1')
    fail(
      ctx,
      'unsupported_major',
      `unsupported major version: dataschema v${major} (this app reads v1)`,
    );
});

const jsonContentType = z.string().superRefine((value, ctx) => {
  if (!JSON_CONTENT_TYPE.test(value)) {
    fail(ctx, 'wrong_value', `data content type "${clip(value)}" is not JSON`);
  }
});

/** Any CloudEvents 1.0 structured event (any type). */
export const cloudEventEnvelopeSchema = z.looseObject({
  specversion: z.string().superRefine((value, ctx) => {
    if (value !== '1.0')
      fail(ctx, 'unsupported_specversion', `CloudEvents spec version "${clip(value)}" is not 1.0`);
  }),
  id,
  source: z.string().min(1).max(MAX_SOURCE_LENGTH),
  type: z.string().min(1).max(MAX_ID_LENGTH),
  time: timestamp.optional(),
  subject: text.optional(),
  datacontenttype: text.optional(),
  dataschema: text.optional(),
  idempotency_key: z.string().max(MAX_IDEMPOTENCY_KEY_LENGTH).optional(),
  sequence: z.string().max(MAX_ID_LENGTH).optional(),
});

export const attendeeSchema = z.looseObject({
  name: text.optional(),
  email: text.optional(),
});

export const checkInDataSchema = z.looseObject({
  attendee: attendeeSchema,
  check_in_id: id,
  checked_in_at: timestamp,
  device_id: id.optional(),
  event_id: id,
  event_product_id: id,
  event_type: z.literal(CHECK_IN_TYPE),
  gate: id.optional(),
  occurred_at: timestamp,
  scanner_session_id: id,
  schema_version: schemaVersion,
  ticket_id: id,
});

export const checkInEventSchema = cloudEventEnvelopeSchema.extend({
  source: z.literal(CHECK_IN_SOURCE),
  type: z.literal(CHECK_IN_TYPE),
  subject: z
    .string()
    .max(MAX_TEXT_LENGTH)
    .regex(SUBJECT, { message: 'subject must look like check_in:<identifier>' })
    .optional(),
  datacontenttype: jsonContentType.optional(),
  dataschema: dataschema.optional(),
  data: checkInDataSchema,
});

export type CloudEventEnvelope = z.infer<typeof cloudEventEnvelopeSchema>;
export type CheckInEvent = z.infer<typeof checkInEventSchema>;
export type CheckInData = z.infer<typeof checkInDataSchema>;

export function clip(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
