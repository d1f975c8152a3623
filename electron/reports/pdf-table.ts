/**
 * Tables for the PDF summary: a header row repeated on every page the table runs onto, a row
 * never split across pages, zebra rows, numbers right-aligned, long text cut with an ellipsis
 * so a row stays one line high.
 */
/// <reference types="pdfkit" />
type Doc = PDFKit.PDFDocument;

export interface PdfColumn {
  readonly header: string;
  /** Share of the table width. */
  readonly weight: number;
  readonly align?: 'left' | 'right';
}

export const PDF_COLORS = {
  text: '#1a1a1a',
  muted: '#666666',
  rule: '#c8c8c8',
  zebra: '#f2f4f7',
  header: '#e3e8ef',
  accent: '#2457a6',
} as const;

const ROW_HEIGHT = 16;
const PAD = 4;
const FONT_SIZE = 8.5;

/** Room left on the page below the current position. */
export function roomLeft(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom - doc.y;
}

/** Starts a new page unless `height` points still fit. */
export function ensureRoom(doc: Doc, height: number): void {
  if (roomLeft(doc) < height) doc.addPage();
}

function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** The section a table belongs to, repeated as "… (continued)" on the pages it runs onto. */
const currentSection = new WeakMap<Doc, string>();

export function sectionTitle(doc: Doc, title: string, needBelow = ROW_HEIGHT * 3): void {
  currentSection.set(doc, title);
  ensureRoom(doc, 28 + needBelow);
  doc.moveDown(0.6);
  doc.font('Helvetica-Bold').fontSize(12).fillColor(PDF_COLORS.accent);
  doc.text(title, doc.page.margins.left, doc.y);
  doc.moveDown(0.3);
  doc.fillColor(PDF_COLORS.text);
}

export function drawTable(
  doc: Doc,
  columns: ReadonlyArray<PdfColumn>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  emptyText = 'None.',
): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * width);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, w) => s + w, 0));

  const line = (cells: ReadonlyArray<string>, fill: string | null, bold: boolean): void => {
    const y = doc.y;
    if (fill) doc.rect(left, y, width, ROW_HEIGHT).fill(fill);
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(FONT_SIZE)
      .fillColor(PDF_COLORS.text);
    cells.forEach((cell, i) => {
      const w = widths[i]! - 2 * PAD;
      const column = columns[i]!;
      doc.text(fit(doc, cell, w), xs[i]! + PAD, y + 4.5, {
        width: w,
        align: column.align ?? 'left',
        lineBreak: false,
      });
    });
    doc.x = left;
    doc.y = y + ROW_HEIGHT;
  };
  const header = (): void => {
    line(
      columns.map((c) => c.header),
      PDF_COLORS.header,
      true,
    );
  };

  ensureRoom(doc, ROW_HEIGHT * 2);
  header();
  if (rows.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(FONT_SIZE).fillColor(PDF_COLORS.muted);
    doc.text(emptyText, left + PAD, doc.y + 4.5);
    doc.fillColor(PDF_COLORS.text);
    doc.y += 4;
    return;
  }
  rows.forEach((row, i) => {
    if (roomLeft(doc) < ROW_HEIGHT) {
      doc.addPage();
      const section = currentSection.get(doc);
      if (section) {
        doc.font('Helvetica-Oblique').fontSize(8).fillColor(PDF_COLORS.muted);
        doc.text(`${section} (continued)`, left, doc.y);
        doc.moveDown(0.3);
      }
      header();
    }
    line(row, i % 2 === 1 ? PDF_COLORS.zebra : null, false);
  });
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .lineWidth(0.5)
    .strokeColor(PDF_COLORS.rule)
    .stroke();
  doc.y += 2;
}
