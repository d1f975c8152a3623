/**
 * How RxDB's index order is computed inside SQLite, without a stored copy of any index key.
 *
 * RxDB orders an index by a string: each field's part concatenated (strings padded with spaces
 * to maxLength, numbers clamped to [minimum, maximum] and cut to `multipleOf` decimals, booleans
 * '0'/'1'). For a *regular* document that order equals the tuple order of plain SQL values:
 *
 * - a string without characters below U+0020, without trailing spaces, without UTF-16
 *   surrogates or U+FFFF and not longer than maxLength compares under SQLite's BINARY collation
 *   (UTF-8 bytes) exactly as its padded form compares in JavaScript (BMP code points keep their
 *   order in UTF-8; a shorter string with no trailing space sorts first either way);
 * - a finite number's part is its clamped, quantized value, computed by the same arithmetic in
 *   SQL (floor, compare with 0.5) as RxDB does in JavaScript;
 * - booleans are 0/1.
 *
 * So each indexed field is a VIRTUAL generated column (computed from the JSON, stored nowhere)
 * and each RxDB index an SQL index over (irr, those columns); queries read the irr = 0 part. A
 * document with any irregular indexed value gets irr = 1 and its exact RxDB keys in a side
 * table (see collection-table.ts); queries merge the two.
 */
import {
  getSchemaByObjectPath,
  INDEX_MAX,
  INDEX_MIN,
  objectPathMonad,
  type JsonSchema,
  type RxJsonSchema,
} from 'rxdb';
import { quoteIdentifier } from './sql-names';

type Doc = Record<string, unknown>;
export type SqlValue = number | string | Uint8Array | null;

/** Above every TEXT value in SQLite's ordering (BLOBs sort after TEXT). */
const TEXT_PLUS = new Uint8Array(0);
const MINUS = -Infinity;
const PLUS = Infinity;

/** Number parts up to this are exact in a double, so one column holds value × 10^decimals. */
const EXACT = 2 ** 53;

type NumberShape = {
  min: number;
  max: number;
  decimals: number;
  multiplier: number;
  /** false: two columns (whole part, decimal part) because the combined value may not be exact. */
  combined: boolean;
  integer: boolean;
};

export type FieldColumn = Readonly<{
  path: string;
  kind: 'string' | 'number' | 'boolean';
  /** SQL column names, in order: one, or two for wide decimal numbers. */
  columns: readonly string[];
  /** Generated-column definitions to add to the table (empty for stored columns). */
  definitions: readonly string[];
  /** True when the document's value keeps the SQL order equal to RxDB's. */
  isRegular(doc: Doc): boolean;
  /** SQL values for a lower / upper plan key, or undefined when no SQL value is exact. */
  lower(bound: unknown): SqlValue[] | undefined;
  upper(bound: unknown): SqlValue[] | undefined;
}>;

/** Where a field's value lives in the row: stored columns for RxDB's own fields. */
function sourceOf(path: string, primaryPath: string): string {
  if (path === primaryPath) return 'id';
  if (path === '_deleted') return 'deleted';
  if (path === '_meta.lwt') return 'lwt';
  if (path.startsWith('_meta.') || path === '_rev' || path.startsWith('_attachments')) {
    throw new Error(`The node:sqlite storage cannot index ${path}`);
  }
  return `json_extract(data, ${sqlString(jsonPath(path))})`;
}

export function jsonPath(path: string): string {
  return (
    '$' +
    path
      .split('.')
      .map((part) => `."${part.replace(/"/g, '\\"')}"`)
      .join('')
  );
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function fieldColumn(
  schema: RxJsonSchema<Doc>,
  path: string,
  primaryPath: string,
  name: string,
): FieldColumn {
  const part = getSchemaByObjectPath(schema, path) as JsonSchema | undefined;
  if (!part) throw new Error(`Index field ${path} is not in the schema`);
  const getValue = objectPathMonad<Doc>(path) as (doc: Doc) => unknown;
  const source = sourceOf(path, primaryPath);
  const type = part.type;
  if (type === 'string') return stringColumn(path, source, name, part, getValue, primaryPath);
  if (type === 'boolean') return booleanColumn(path, source, name, getValue);
  if (type === 'number' || type === 'integer') {
    return numberColumn(path, source, name, part, getValue);
  }
  throw new Error(
    `Index field ${path} has type ${String(type)}; RxDB indexes strings, numbers, booleans`,
  );
}

function stringColumn(
  path: string,
  source: string,
  name: string,
  part: JsonSchema,
  getValue: (doc: Doc) => unknown,
  primaryPath: string,
): FieldColumn {
  const maxLength = part.maxLength ?? 0;
  const stored = path === primaryPath;
  const column = stored ? 'id' : name;
  const toSql = (bound: string): SqlValue[] | undefined => {
    const trimmed = bound.replace(/ +$/, '');
    // Padding makes trailing spaces meaningless. U+FFFF may bound a range (a prefix search's
    // upper end): no regular value contains it. Other irregular bounds have no exact SQL value.
    return trimmed.length <= maxLength && !IRREGULAR_BOUND_CHARS.test(trimmed)
      ? [trimmed]
      : undefined;
  };
  return {
    path,
    kind: 'string',
    columns: [column],
    definitions: stored ? [] : [`${quoteIdentifier(name)} AS (coalesce(${source}, '')) VIRTUAL`],
    isRegular: (doc) => {
      const value = getValue(doc);
      if (value === undefined || value === null || value === '') return true;
      return typeof value === 'string' && isRegularString(value, maxLength);
    },
    lower: (bound) => {
      if (bound === INDEX_MAX) return [TEXT_PLUS];
      if (typeof bound === 'string') return toSql(bound);
      return [MINUS];
    },
    upper: (bound) => {
      if (typeof bound === 'string' && bound !== INDEX_MAX) return toSql(bound);
      if (bound === INDEX_MIN) return [MINUS];
      return [TEXT_PLUS];
    },
  };
}

/** Characters whose padded order in JavaScript differs from UTF-8 byte order, or U+FFFF. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const IRREGULAR_CHARS = /[\u0000-\u001f\ud800-\udfff\uffff]/;
// eslint-disable-next-line no-control-regex -- as above
const IRREGULAR_BOUND_CHARS = /[\u0000-\u001f\ud800-\udfff]/;

export function isRegularString(value: string, maxLength: number): boolean {
  return value.length <= maxLength && !IRREGULAR_CHARS.test(value) && !value.endsWith(' ');
}

function booleanColumn(
  path: string,
  source: string,
  name: string,
  getValue: (doc: Doc) => unknown,
): FieldColumn {
  const stored = source === 'deleted';
  const column = stored ? 'deleted' : name;
  const bit = (bound: unknown): SqlValue[] => [bound ? 1 : 0];
  return {
    path,
    kind: 'boolean',
    columns: [column],
    definitions: stored ? [] : [`${quoteIdentifier(name)} AS (coalesce(${source}, 0)) VIRTUAL`],
    isRegular: (doc) => {
      const value = getValue(doc);
      return value === undefined || value === null || typeof value === 'boolean';
    },
    lower: (bound) =>
      bound === INDEX_MAX ? [1] : bound === null || bound === INDEX_MIN ? [0] : bit(bound),
    upper: (bound) =>
      bound === null || bound === INDEX_MAX ? [1] : bound === INDEX_MIN ? [0] : bit(bound),
  };
}

function numberShape(part: JsonSchema): NumberShape {
  // As RxDB's getStringLengthOfIndexNumber.
  const min = Math.floor(part.minimum as number);
  const max = Math.ceil(part.maximum as number);
  const multipleOf = part.multipleOf as number;
  const fraction = multipleOf.toString().split('.')[1];
  const decimals = fraction ? fraction.length : 0;
  const multiplier = Math.pow(10, decimals);
  const bound = Math.max(Math.abs(min), Math.abs(max));
  return {
    min,
    max,
    decimals,
    multiplier,
    combined: decimals === 0 || bound * multiplier < EXACT,
    integer: bound * multiplier < EXACT,
  };
}

/** The index part of a number as SQL values, computed like RxDB's getNumberIndexString. */
export function numberKey(shape: NumberShape, value: number): number[] {
  let v = value;
  if (v < shape.min) v = shape.min;
  if (v > shape.max) v = shape.max;
  const whole = Math.floor(v);
  if (shape.decimals === 0) return [whole];
  const scaled = (v - whole) * shape.multiplier;
  const floored = Math.floor(scaled);
  const shifted = Math.min(scaled - floored >= 0.5 ? floored + 1 : floored, shape.multiplier - 1);
  return shape.combined ? [whole * shape.multiplier + shifted] : [whole, shifted];
}

function numberColumn(
  path: string,
  source: string,
  name: string,
  part: JsonSchema,
  getValue: (doc: Doc) => unknown,
): FieldColumn {
  if (typeof part.minimum !== 'number' || typeof part.maximum !== 'number' || !part.multipleOf) {
    throw new Error(`Index field ${path} needs minimum, maximum and multipleOf (RxDB's rule)`);
  }
  const shape = numberShape(part);
  const clamped = `max(min(${source}, ${shape.max}), ${shape.min})`;
  const asInteger = (sql: string) => (shape.integer ? `CAST(${sql} AS INTEGER)` : sql);
  const whole = `floor(${clamped})`;
  const scaled = `((${clamped} - ${whole}) * ${shape.multiplier})`;
  // Math.round for a non-negative value: up when the fraction is at least one half.
  const shifted = `min(floor(${scaled}) + (${scaled} - floor(${scaled}) >= 0.5), ${shape.multiplier - 1})`;
  const expressions =
    shape.decimals === 0
      ? [asInteger(whole)]
      : shape.combined
        ? [asInteger(`${whole} * ${shape.multiplier} + ${shifted}`)]
        : [whole, `CAST(${shifted} AS INTEGER)`];
  const columns = expressions.map((_, i) => (i === 0 ? name : `${name}_d`));
  const width = columns.length;
  const fill = (value: number): number[] => new Array<number>(width).fill(value);
  return {
    path,
    kind: 'number',
    columns,
    definitions: expressions.map((sql, i) => `${quoteIdentifier(columns[i]!)} AS (${sql}) VIRTUAL`),
    isRegular: (doc) => {
      const value = getValue(doc);
      return typeof value === 'number' && Number.isFinite(value);
    },
    lower: (bound) => {
      if (bound === null || bound === INDEX_MIN) return numberKey(shape, shape.min);
      if (bound === INDEX_MAX) return numberKey(shape, shape.max);
      return typeof bound === 'number' && !Number.isNaN(bound)
        ? numberKey(shape, bound)
        : undefined;
    },
    upper: (bound) => {
      // RxDB's upper sentinel is all nines: above every document's part.
      if (bound === null || bound === INDEX_MAX) return fill(PLUS);
      if (bound === INDEX_MIN) return numberKey(shape, shape.min);
      return typeof bound === 'number' && !Number.isNaN(bound)
        ? numberKey(shape, bound)
        : undefined;
    },
  };
}
