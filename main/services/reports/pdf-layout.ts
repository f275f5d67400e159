/**
 * Page furniture of the PDF report over pdfkit: the page frame, headings, wrapped paragraphs and
 * tables whose rows grow to fit their text (never overflowing a cell) and move to a new page, with
 * their header repeated, when they would cross the bottom margin.
 */
import type PDFDocument from 'pdfkit';

export type Doc = PDFKit.PDFDocument;

export { FONT, FONT_BOLD } from './report-fonts';
import { FONT, FONT_BOLD } from './report-fonts';
export const TEXT_SIZE = 9;
export const MARGIN = 48;
/** Room kept at the bottom of every page for the footer. */
export const FOOTER_ROOM = 28;
export const INK = '#1a1a1a';
export const MUTED = '#5a5a5a';
export const RULE = '#b8b8b8';
export const HEADER_FILL = '#eef1f4';

const CELL_PAD = 3;

export const contentWidth = (doc: Doc) => doc.page.width - 2 * MARGIN;
export const contentBottom = (doc: Doc) => doc.page.height - MARGIN - FOOTER_ROOM;

/** Start a new page when fewer than `needed` points are left on this one. */
export function ensureRoom(doc: Doc, needed: number): void {
  if (doc.y + needed > contentBottom(doc)) {
    doc.addPage();
    doc.y = MARGIN;
  }
}

export function heading(doc: Doc, text: string, size = 13): void {
  doc.font(FONT_BOLD).fontSize(size);
  ensureRoom(doc, doc.heightOfString(text, { width: contentWidth(doc) }) + 24);
  doc.fillColor(INK).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3);
}

export function paragraph(doc: Doc, text: string, options: { size?: number; color?: string } = {}): void {
  doc.font(FONT).fontSize(options.size ?? TEXT_SIZE);
  const height = doc.heightOfString(text, { width: contentWidth(doc) });
  ensureRoom(doc, height);
  doc.fillColor(options.color ?? INK).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
}

export interface TableSpec {
  /** Column widths as fractions of the content width. */
  columns: number[];
  header?: string[];
  rows: string[][];
  /** Columns right-aligned (numbers). */
  alignRight?: number[];
  /** Columns set in bold (labels). */
  boldColumns?: number[];
}

function rowHeight(doc: Doc, cells: string[], widths: number[], bold: (i: number) => boolean): number {
  let height = 0;
  cells.forEach((cell, i) => {
    doc.font(bold(i) ? FONT_BOLD : FONT).fontSize(TEXT_SIZE);
    height = Math.max(height, doc.heightOfString(cell, { width: widths[i]! - 2 * CELL_PAD }));
  });
  return height + 2 * CELL_PAD;
}

function drawRow(doc: Doc, cells: string[], widths: number[], spec: TableSpec, header: boolean): void {
  const bold = (i: number) => header || (spec.boldColumns ?? []).includes(i);
  const height = rowHeight(doc, cells, widths, bold);
  const top = doc.y;
  if (header) doc.rect(MARGIN, top, contentWidth(doc), height).fill(HEADER_FILL);
  let x = MARGIN;
  cells.forEach((cell, i) => {
    doc
      .font(bold(i) ? FONT_BOLD : FONT)
      .fontSize(TEXT_SIZE)
      .fillColor(INK)
      .text(cell, x + CELL_PAD, top + CELL_PAD, {
        width: widths[i]! - 2 * CELL_PAD,
        align: (spec.alignRight ?? []).includes(i) ? 'right' : 'left',
      });
    x += widths[i]!;
  });
  doc
    .moveTo(MARGIN, top + height)
    .lineTo(MARGIN + contentWidth(doc), top + height)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  doc.x = MARGIN;
  doc.y = top + height;
}

export function table(doc: Doc, spec: TableSpec): void {
  const widths = spec.columns.map((f) => f * contentWidth(doc));
  const bold = (i: number) => (spec.boldColumns ?? []).includes(i);
  const headerHeight = spec.header ? rowHeight(doc, spec.header, widths, () => true) : 0;
  const drawHeader = () => spec.header && drawRow(doc, spec.header, widths, spec, true);
  ensureRoom(doc, headerHeight + (spec.rows[0] ? rowHeight(doc, spec.rows[0], widths, bold) : 0));
  drawHeader();
  for (const row of spec.rows) {
    const height = rowHeight(doc, row, widths, bold);
    if (doc.y + height > contentBottom(doc)) {
      doc.addPage();
      doc.y = MARGIN;
      drawHeader();
    }
    drawRow(doc, row, widths, spec, false);
  }
  doc.moveDown(0.6);
}

/** `text` cut with an ellipsis to fit `width` on one line in the current font. */
export function fitOneLine(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}...`) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}...`;
}

/** Page numbers and the study's name on every page, written once all pages exist. */
export function footers(doc: Doc, left: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits below the bottom margin: lift it for the footer, or pdfkit would start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    doc
      .moveTo(MARGIN, y - 6)
      .lineTo(doc.page.width - MARGIN, y - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.font(FONT).fontSize(8).fillColor(MUTED);
    const pageText = `Page ${i - range.start + 1} of ${range.count}`;
    const pageWidth = doc.widthOfString(pageText);
    doc.text(fitOneLine(doc, left, contentWidth(doc) - pageWidth - 12), MARGIN, y, { lineBreak: false });
    doc.text(pageText, doc.page.width - MARGIN - pageWidth, y, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

export type { PDFDocument };
