/**
 * Why a message was rejected. Codes are stable (they are stored with quarantined messages and
 * matched by tools); messages are written for a supervisor, not a developer.
 */
export const REASON_CODES = [
  'too_large',
  'invalid_utf8',
  'not_json',
  'not_object',
  'too_deep',
  'forbidden_key',
  'required',
  'wrong_type',
  'empty',
  'too_long',
  'wrong_value',
  'invalid_timestamp',
  'unsupported_specversion',
  'unsupported_major',
  'event_type_mismatch',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  readonly code: ReasonCode;
  /** JSON path of the offending value: `$` for the whole message, `$.data.ticket_id` for a field. */
  readonly path: string;
  readonly message: string;
}

export function reason(code: ReasonCode, path: string, message: string): Reason {
  return { code, path, message };
}

/** `$.data.attendee` from `['data', 'attendee']`; array indices as `[0]`. */
export function jsonPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}
