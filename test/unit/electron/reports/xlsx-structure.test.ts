/**
 * The XLSX file as Excel and LibreOffice read it, checked from the bytes up (not through a
 * lenient reader): the zip's central directory and local headers agree, every part inflates to
 * its recorded size and CRC-32, every part is well-formed XML (strict parser), the package is
 * complete (content types cover every part, every relationship points at a part, every sheet of
 * the workbook has one), and every sheet's rows and cells are numbered in order with known
 * cell types and styles.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveExportRequest, runExport } from '../../../../electron/reports/run-export';
import { exportRequestSchema } from '../../../../shared/api/channels/reports';
import { makeCheckIns, reportFixture, type ReportFixture } from '../../../helpers/report-fixtures';

interface Entry {
  readonly name: string;
  readonly data: Buffer;
}

/** Every entry of a zip, read by its central directory and checked against its local header. */
function readZip(zip: Buffer): Entry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  let at = zip.readUInt32LE(eocd + 16);
  expect(at + cdSize).toBe(eocd);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extra + comment;

    expect(zip.readUInt32LE(local), name).toBe(0x04034b50);
    const localName = zip.readUInt16LE(local + 26);
    const localExtra = zip.readUInt16LE(local + 28);
    expect(zip.toString('utf8', local + 30, local + 30 + localName)).toBe(name);
    const start = local + 30 + localName + localExtra;
    const raw = zip.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    expect([method, data.length, crc32(data) >>> 0], name).toEqual([method, size, crc]);
    expect([0, 8]).toContain(method);
    entries.push({ name, data });
  }
  expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
  return entries;
}

interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
}

/** All elements of a strictly parsed XML document (throws on anything not well-formed). */
function elements(xml: string): XmlElement[] {
  const parser = new SaxesParser({ xmlns: true });
  const out: XmlElement[] = [];
  let failure: Error | null = null;
  parser.on('error', (e) => (failure ??= e));
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [k, a] of Object.entries(tag.attributes)) attributes[k] = a.value;
    out.push({ name: tag.local, attributes });
  });
  parser.write(xml).close();
  if (failure) throw failure;
  return out;
}

let f: ReportFixture;
beforeAll(async () => {
  f = await reportFixture(makeCheckIns({ count: 2600, spacingMs: 1_500 }));
});
afterAll(() => f.close());

it('is a complete, consistent zip of well-formed SpreadsheetML', async () => {
  const outPath = join(f.dir, 'structure.xlsx');
  const request = exportRequestSchema.parse({ format: 'xlsx', timeZone: 'Europe/Berlin' });
  await runExport(f.db.checkins, resolveExportRequest(request), { outPath, rowsPerSheet: 1000 });
  const entries = readZip(await readFile(outPath));
  const parts = new Map(entries.map((e) => [e.name, elements(e.data.toString('utf8'))]));

  // Content types: a Default or an Override for every part, an Override only for real parts.
  const types = parts.get('[Content_Types].xml')!;
  const overrides = types
    .filter((e) => e.name === 'Override')
    .map((e) => e.attributes['PartName']!);
  const defaults = types.filter((e) => e.name === 'Default').map((e) => e.attributes['Extension']);
  for (const o of overrides) expect(parts.has(o.slice(1)), o).toBe(true);
  for (const name of parts.keys()) {
    if (name === '[Content_Types].xml') continue;
    const typed = overrides.includes(`/${name}`) || defaults.includes(name.split('.').pop());
    expect(typed, name).toBe(true);
  }

  // Relationships point at parts; the workbook's sheets each have one.
  const target = (base: string, t: string) => (t.startsWith('/') ? t.slice(1) : base + t);
  for (const r of parts.get('_rels/.rels')!.filter((e) => e.name === 'Relationship')) {
    expect(parts.has(target('', r.attributes['Target']!)), r.attributes['Target']).toBe(true);
  }
  const rels = new Map(
    parts
      .get('xl/_rels/workbook.xml.rels')!
      .filter((e) => e.name === 'Relationship')
      .map((e) => [e.attributes['Id']!, target('xl/', e.attributes['Target']!)]),
  );
  for (const t of rels.values()) expect(parts.has(t), t).toBe(true);
  const sheets = parts.get('xl/workbook.xml')!.filter((e) => e.name === 'sheet');
  expect(sheets.map((s) => s.attributes['name'])).toEqual([
    'Check-ins',
    'Check-ins (2)',
    'Check-ins (3)',
    'By gate',
    'By session',
    'By device',
    'By hour',
    'Report',
  ]);
  expect(new Set(sheets.map((s) => s.attributes['sheetId'])).size).toBe(sheets.length);

  const styles = parts.get('xl/styles.xml')!;
  const xfs = styles.filter((e) => e.name === 'cellXfs')[0]!;
  const styleCount = Number(xfs.attributes['count']);
  expect(styles.filter((e) => e.name === 'xf').length).toBe(styleCount + 1); // + cellStyleXfs

  let checkIns = 0;
  // Collected, then compared once: tens of thousands of cells.
  const problems: string[] = [];
  for (const sheet of sheets) {
    const name = sheet.attributes['name']!;
    const xml = parts.get(rels.get(sheet.attributes['r:id']!)!)!;
    let row = 0;
    let column = 0;
    for (const e of xml) {
      if (e.name === 'row') {
        if (Number(e.attributes['r']) !== ++row) problems.push(`${name}: row ${e.attributes['r']}`);
        column = 0;
      } else if (e.name === 'c') {
        const ref = /^([A-Z]+)(\d+)$/.exec(e.attributes['r'] ?? '');
        const index = [...(ref?.[1] ?? '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
        if (!ref || Number(ref[2]) !== row || index <= column) {
          problems.push(`${name}: cell ${e.attributes['r']} in row ${row}`);
        }
        column = index;
        if (![undefined, 'inlineStr', 'b', 'n'].includes(e.attributes['t'])) {
          problems.push(`${name}: type ${e.attributes['t']}`);
        }
        if (!(Number(e.attributes['s'] ?? 0) < styleCount)) {
          problems.push(`${name}: style ${e.attributes['s']}`);
        }
      }
    }
    if (name.startsWith('Check-ins')) checkIns += row - 1;
    // The header row is frozen.
    if (xml.find((e) => e.name === 'pane')?.attributes['state'] !== 'frozen') {
      problems.push(`${name}: header not frozen`);
    }
  }
  expect(problems).toEqual([]);
  expect(checkIns).toBe(2600);
});
