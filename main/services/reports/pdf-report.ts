/**
 * The comparison report's PDF: page 1 the study, versions, protocol and calibration; a page per subject
 * with the before and after figures side by side and the table of figures and their change; a cohort
 * page with the statistics and the paired chart. Only places what shared/reports/report-model.ts worded.
 * Set in DejaVu Sans, embedded (report-fonts.ts).
 */
import PDFDocument from 'pdfkit';
import { scaleBar } from '../../../shared/reports/scale-bar';
import type {
  CohortSection,
  ReportModel,
  SubjectSection,
  TimepointPanel,
} from '../../../shared/reports/report-model';
import { pairedChart } from './paired-chart';
import { registerReportFonts } from './report-fonts';
import {
  FONT,
  FONT_BOLD,
  INK,
  MARGIN,
  MUTED,
  RULE,
  contentWidth,
  fitOneLine,
  footers,
  heading,
  paragraph,
  table,
  type Doc,
} from './pdf-layout';
import { OVERLAY_RGB, type FigureOutcome } from './report-figures';

/** Figures keyed by image id; an image missing here has no picture (its reason is printed instead). */
export type ReportFigures = Map<number, FigureOutcome>;

const FIGURE_GAP = 16;
const FIGURE_MAX_HEIGHT = 300;

const rowsTable = (doc: Doc, rows: { label: string; value: string }[]) =>
  table(doc, { columns: [0.26, 0.74], rows: rows.map((r) => [r.label, r.value]), boldColumns: [0] });

function firstPage(doc: Doc, model: ReportModel): void {
  doc
    .font(FONT_BOLD)
    .fontSize(18)
    .fillColor(INK)
    .text(model.title, MARGIN, MARGIN, { width: contentWidth(doc) });
  doc
    .font(FONT)
    .fontSize(11)
    .fillColor(MUTED)
    .text(model.subtitle, { width: contentWidth(doc) });
  doc.moveDown(0.8);
  rowsTable(doc, model.meta);
  heading(doc, 'Analysis protocol', 12);
  rowsTable(doc, model.protocol);
  paragraph(
    doc,
    'Figures are measured on the full-resolution images; the overlays in this report are drawn on downsampled previews with the same parameters (without smoothing and size filters) and show where the stain was detected.',
    { color: MUTED, size: 8 },
  );
  if (model.notes.length > 0) {
    doc.moveDown(0.6);
    heading(doc, 'Notes', 11);
    for (const note of model.notes) paragraph(doc, `- ${note}`);
  }
}

/** The figure box of a panel: its heading, the picture scaled into `width` x at most FIGURE_MAX_HEIGHT, its caption. */
function figurePanel(
  doc: Doc,
  panel: TimepointPanel,
  figures: ReportFigures,
  x: number,
  y: number,
  width: number,
  height: number,
): void {
  doc
    .font(FONT_BOLD)
    .fontSize(10)
    .fillColor(INK)
    .text(fitOneLine(doc, panel.heading, width), x, y, { lineBreak: false });
  const top = y + 16;
  const outcome = panel.figure ? figures.get(panel.figure.imageId) : undefined;
  if (!panel.figure || !outcome || !outcome.ok) {
    doc.rect(x, top, width, height).lineWidth(0.5).strokeColor(RULE).stroke();
    const reason = !panel.figure
      ? 'No measured image.'
      : `No picture: ${outcome && !outcome.ok ? outcome.reason : 'not rendered'}`;
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor(MUTED)
      .text(reason, x + 8, top + 8, { width: width - 16, height: height - 16 });
  } else {
    const { figure } = outcome;
    const scale = Math.min(width / figure.width, height / figure.height);
    const w = figure.width * scale;
    const h = figure.height * scale;
    const left = x + (width - w) / 2;
    doc.image(figure.jpeg, left, top, { width: w, height: h });
    doc.rect(left, top, w, h).lineWidth(0.5).strokeColor(RULE).stroke();
    const bar = scaleBar(panel.figure.umPerPx, panel.figure.width, w);
    if (bar) drawScaleBar(doc, bar, left + 6, top + h - 6);
  }
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor(MUTED)
    .text(panel.caption, x, top + height + 4, { width, height: 22, ellipsis: true });
}

/** The bar on a white backing, so it reads over tissue and background alike; (x, y) is its bottom-left. */
function drawScaleBar(doc: Doc, bar: { length: number; label: string }, x: number, y: number): void {
  doc.font(FONT_BOLD).fontSize(7);
  const labelWidth = doc.widthOfString(bar.label);
  const boxWidth = Math.max(bar.length, labelWidth) + 8;
  doc
    .save()
    .rect(x, y - 18, boxWidth, 18)
    .fillOpacity(0.8)
    .fill('#ffffff')
    .restore();
  doc.rect(x + 4, y - 6, bar.length, 2.5).fill(INK);
  doc.fillColor(INK).text(bar.label, x + 4 + (bar.length - labelWidth) / 2, y - 16, { lineBreak: false });
}

function legend(doc: Doc, y: number): void {
  doc
    .save()
    .rect(MARGIN, y + 1, 9, 7)
    .fillOpacity(0.6)
    .fill([...OVERLAY_RGB])
    .restore();
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor(MUTED)
    .text(
      'Detected stain (overlay, with manual corrections). Scale bar on calibrated images.',
      MARGIN + 14,
      y,
      { lineBreak: false },
    );
}

function subjectPage(doc: Doc, section: SubjectSection, figures: ReportFigures): void {
  doc.addPage();
  doc.y = MARGIN;
  heading(doc, `Subject ${section.subject}`);
  const width = (contentWidth(doc) - FIGURE_GAP) / 2;
  const shapes = [section.before.figure, section.after.figure].map((f) => (f ? f.height / f.width : 0.75));
  const height = Math.min(FIGURE_MAX_HEIGHT, Math.max(...shapes.map((s) => s * width)));
  const y = doc.y + 4;
  figurePanel(doc, section.before, figures, MARGIN, y, width, height);
  figurePanel(doc, section.after, figures, MARGIN + width + FIGURE_GAP, y, width, height);
  legend(doc, y + 16 + height + 28);
  doc.x = MARGIN;
  doc.y = y + 16 + height + 48;
  table(doc, {
    columns: [0.25, 0.15, 0.15, 0.15, 0.15, 0.15],
    header: section.table.header,
    rows: section.table.rows,
    alignRight: [1, 2, 3, 4, 5],
    boldColumns: [0],
  });
  for (const note of section.footnotes) paragraph(doc, note, { size: 8, color: MUTED });
}

function cohortPage(doc: Doc, cohort: CohortSection): void {
  doc.addPage();
  doc.y = MARGIN;
  heading(doc, 'Cohort');
  rowsTable(doc, cohort.rows);
  for (const note of cohort.notes) paragraph(doc, note, { size: 8, color: MUTED });
  doc.moveDown(0.5);
  heading(doc, `Paired values: ${cohort.measureLabel}`, 11);
  pairedChart(doc, cohort.chart, MARGIN, doc.y, contentWidth(doc), 300);
}

export function renderReportPdf(model: ReportModel, figures: ReportFigures, footer: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true, // footers are written at the end, when the page count is known
    info: {
      Title: `${model.title}: ${model.subtitle}`,
      Creator: 'DermaQuant',
      Producer: 'DermaQuant (pdfkit)',
    },
  });
  registerReportFonts(doc);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  firstPage(doc, model);
  for (const section of model.subjects) subjectPage(doc, section, figures);
  if (model.cohort) cohortPage(doc, model.cohort);
  else if (model.cohortNote) {
    doc.moveDown(1);
    paragraph(doc, model.cohortNote, { color: MUTED });
  }
  footers(doc, footer);
  doc.end();
  return done;
}
