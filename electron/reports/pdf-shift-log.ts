/**
 * The PDF's shift log: the notes of the report's period (its gate's and the whole venue's), each
 * with its time, author and gate and its full text (wrapped, never cut). A correction says which
 * note it corrects; a corrected note is greyed and says when and by whom it was corrected, so the
 * reader sees both words, as in the Log view.
 */
import { ensureRoom, PDF_COLORS, sectionTitle } from './pdf-table';
import type { ReportNoteLine } from './report-notes';

type Doc = PDFKit.PDFDocument;

export function shiftLogSection(
  doc: Doc,
  lines: ReadonlyArray<ReportNoteLine> | null,
  gate: string | undefined,
  t: (ms: number) => string,
): void {
  sectionTitle(doc, 'Shift log');
  const x = doc.page.margins.left;
  const width = doc.page.width - x - doc.page.margins.right;
  const muted = (text: string) => {
    doc.font('Helvetica-Oblique').fontSize(8).fillColor(PDF_COLORS.muted);
    doc.text(text, x, doc.y, { width });
    doc.fillColor(PDF_COLORS.text);
  };
  if (lines === null) {
    muted('The shift log is not known here.');
    return;
  }
  muted(
    gate === undefined
      ? 'Notes written in this period, oldest first.'
      : `Notes written in this period about gate ${gate || '(no gate)'} or the whole venue, oldest first.`,
  );
  if (lines.length === 0) {
    doc.moveDown(0.3);
    muted('No notes in this period.');
    return;
  }
  for (const line of lines) {
    const { note } = line;
    ensureRoom(doc, 40);
    doc.moveDown(0.5);
    const where = note.gate === '' ? 'whole venue' : `gate ${note.gate}`;
    let head = `${t(note.at)}  ·  ${note.author || '(no name)'}  ·  ${where}`;
    if (line.corrects) {
      head += `  ·  CORRECTION of the note of ${t(line.corrects.at)} by ${line.corrects.author || '(no name)'}`;
    } else if (line.correctsUnknown) {
      head += '  ·  CORRECTION of a note this laptop does not hold';
    }
    const corrected = line.correctedBy.length > 0;
    doc.font('Helvetica-Bold').fontSize(8.5).fillColor(PDF_COLORS.text);
    doc.text(head, x, doc.y, { width });
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(corrected ? PDF_COLORS.muted : PDF_COLORS.text);
    doc.text(note.text, x + 10, doc.y + 1, { width: width - 10 });
    for (const c of line.correctedBy) {
      doc.font('Helvetica-Oblique').fontSize(8).fillColor(PDF_COLORS.muted);
      doc.text(`Corrected at ${t(c.at)} by ${c.author || '(no name)'}.`, x + 10, doc.y + 1, {
        width: width - 10,
      });
    }
    doc.fillColor(PDF_COLORS.text);
  }
}
