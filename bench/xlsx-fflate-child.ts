/**
 * The XLSX benchmark's other candidate: the same rows (our SQL page reader) written as SpreadsheetML
 * by hand (inline strings, dates as serial numbers with a date style, a frozen bold header) into
 * a zip stream of `fflate` (MIT, streaming ZipDeflate: each part is deflated as it is pushed, the
 * archive goes out in chunks; the file stream is waited on when full). Only the check-ins sheet
 * (our exceljs writer adds five small summary sheets). In a process of its own for its peak RSS.
 *   xlsx-fflate-child.ts DATA_DIR OUT_FILE   → prints the row count
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';
import { openStoreReader, tableRecords } from '../electron/db';
import { cellText, reportColumns } from '../electron/reports/report-columns';
import { timeValue } from '../electron/reports/report-times';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: xlsx-fflate-child.ts DATA_DIR OUT_FILE');

const stream = createWriteStream(out);
let failed: Error | null = null;
const zip = new Zip((error, data) => {
  if (error) failed = error;
  else stream.write(data);
});
const part = (name: string, text: string): void => {
  const f = new ZipDeflate(name, { level: 6 });
  zip.add(f);
  f.push(new TextEncoder().encode(text), true);
};
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
part(
  '[Content_Types].xml',
  `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
);
part(
  '_rels/.rels',
  `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
);
part(
  'xl/workbook.xml',
  `${XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Check-ins" sheetId="1" r:id="rId1"/></sheets></workbook>`,
);
part(
  'xl/_rels/workbook.xml.rels',
  `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
);
part(
  'xl/styles.xml',
  `${XML}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss.000"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf/><xf numFmtId="164" applyNumberFormat="1"/><xf fontId="1" applyFont="1"/></cellXfs></styleSheet>`,
);

const columns = reportColumns(true);
// XML 1.0 has no place for most control characters: they are left out.
const escape = (s: string): string =>
  s
    .replace(/[&<>"]/g, (c) =>
      c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
    )
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
const text = (s: string): string =>
  `<c t="inlineStr"><is><t xml:space="preserve">${escape(s)}</t></is></c>`;
/** Excel's serial day number (1900 system) of UTC ms. */
const serial = (ms: number): number => ms / 86_400_000 + 25_569;

const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
zip.add(sheet);
const push = async (s: string, final = false): Promise<void> => {
  sheet.push(new TextEncoder().encode(s), final);
  if (failed) throw failed;
  if (stream.writableNeedDrain) await once(stream, 'drain');
};
await push(
  `${XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/></sheetView></sheetViews><cols>${columns
    .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`)
    .join('')}</cols><sheetData><row>${columns
    .map(
      (c) =>
        `<c t="inlineStr" s="2"><is><t>${escape(c.kind === 'time' ? `${c.title} (UTC)` : c.title)}</t></is></c>`,
    )
    .join('')}</row>`,
);
const reader = openStoreReader(dir, 'gate-ops');
const source = tableRecords(reader.checkIns());
if (!source) throw new Error('no SQL columns for the check-in table');
let rows = 0;
for await (const page of source.pages({})) {
  let s = '';
  for (const record of page) {
    s += '<row>';
    for (const c of columns) {
      const value = record[c.at];
      if (c.kind === 'text') s += text(cellText(value, c.pii));
      else if (c.kind === 'time') s += `<c s="1"><v>${serial(timeValue(value))}</v></c>`;
      else s += `<c t="b"><v>${value ? 1 : 0}</v></c>`;
    }
    s += '</row>';
  }
  rows += page.length;
  await push(s);
}
reader.close();
await push('</sheetData></worksheet>', true);
zip.end();
if (failed) throw failed;
stream.end();
await once(stream, 'finish');
process.stdout.write(`${rows}\n`);
