/**
 * CSV records to text, exactly as csv-stringify writes them (RFC 4180, CRLF, formula
 * neutralisation through its `escape_formulas`), but fast enough for a million rows.
 *
 * csv-stringify allocates several small arrays per field, which makes it the slowest part of an
 * export. Most cells need nothing (no comma, quote, line break, formula start), and for those
 * csv-stringify's output is the cell itself. So only the cells that need something are handed
 * to csv-stringify, all of a page in one call, each as a one-field record separated by a
 * sentinel that cannot occur in them; the rest are joined as they are. A property test checks
 * this against csv-stringify on whole records (test/unit/reports/csv-encode.test.ts).
 */
import { stringify } from 'csv-stringify/sync';

/**
 * `quote_record_delimiter`: csv-stringify quotes fields holding a bare CR or LF only when told
 * to once a record delimiter is set; RFC 4180 (and Excel) need them quoted.
 */
export const CSV_OPTIONS = {
  record_delimiter: '\r\n',
  quote_record_delimiter: true,
  escape_formulas: true,
} as const;

/** `=` `+` `-` `@` tab CR, and the full-width `＝＋－＠` (what `escape_formulas` looks at). */
export const FORMULA_FIRST: ReadonlySet<number> = new Set([
  0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d, 0xff1d, 0xff0b, 0xff0d, 0xff20,
]);
/** Characters that make csv-stringify quote a field; NUL also keeps the sentinel unambiguous. */
const NEEDS_QUOTING = /[",\r\n\0]/;
/** The same less the comma (for a line of cells joined by commas). */
export const QUOTE_OR_BREAK = /["\r\n\0]/;
const SENTINEL = '\0\u0001';

function plain(value: string): boolean {
  return (
    value.length === 0 || (!FORMULA_FIRST.has(value.charCodeAt(0)) && !NEEDS_QUOTING.test(value))
  );
}

/** Lines (each ending in CRLF) for `records`; equals `stringify(records, CSV_OPTIONS)`. */
export function encodeCsvRecords(records: ReadonlyArray<ReadonlyArray<string>>): string {
  const special: string[][] = [];
  let hasNul = false;
  for (const record of records) {
    for (const cell of record) {
      if (plain(cell)) continue;
      special.push([cell]);
      if (cell.includes('\0')) hasNul = true;
    }
  }
  if (special.length === 0) {
    let out = '';
    for (const record of records) out += `${record.join(',')}\r\n`;
    return out;
  }
  // A NUL in the data could forge the sentinel: let csv-stringify do the whole page.
  if (hasNul) return stringify(records as string[][], CSV_OPTIONS);
  const encoded = stringify(special, { ...CSV_OPTIONS, record_delimiter: SENTINEL }).split(
    SENTINEL,
  );
  let k = 0;
  let out = '';
  for (const record of records) {
    let line = '';
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!;
      if (i > 0) line += ',';
      line += plain(cell) ? cell : encoded[k++]!;
    }
    out += `${line}\r\n`;
  }
  return out;
}
