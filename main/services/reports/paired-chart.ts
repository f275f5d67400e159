/**
 * The cohort's paired chart in PDF vector primitives: each subject's before and after values as two
 * dots joined by a line, on a value axis that starts at zero (shared/reports/chart-scale.ts). Lines
 * going up are drawn in one colour and lines going down in another, so the direction reads at a glance.
 */
import { axisScale } from '../../../shared/reports/chart-scale';
import { formatStatistic } from '../../../shared/reports/report-format';
import type { CohortSection } from '../../../shared/reports/report-model';
import { FONT, INK, MUTED, RULE, fitOneLine, type Doc } from './pdf-layout';

const UP = '#1f6fb2';
const DOWN = '#c0392b';
/** Subjects labelled beside their line up to this many; beyond, the labels would overlap. */
const MOST_LABELS = 20;
const LABEL_LINE = 8;

/** Labels at least one line apart, top to bottom, each as near its own dot as that allows. */
function spreadLabels(labels: { text: string; y: number }[]): { text: string; y: number }[] {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i++) {
    sorted[i]!.y = Math.max(sorted[i]!.y, sorted[i - 1]!.y + LABEL_LINE);
  }
  return sorted;
}

export function pairedChart(
  doc: Doc,
  chart: CohortSection['chart'],
  x: number,
  y: number,
  width: number,
  height: number,
): void {
  const axis = axisScale(chart.points.flatMap((p) => [p.before, p.after]));
  const left = x + 56;
  const right = x + width - 90;
  const top = y + 8;
  const bottom = y + height - 28;
  const toY = (v: number) => bottom - ((v - axis.min) / (axis.max - axis.min)) * (bottom - top);
  const beforeX = left + (right - left) * 0.25;
  const afterX = left + (right - left) * 0.75;

  doc.lineWidth(0.5).strokeColor(RULE).font(FONT).fontSize(8).fillColor(MUTED);
  for (const tick of axis.ticks) {
    const ty = toY(tick);
    doc.moveTo(left, ty).lineTo(right, ty).stroke();
    const label = formatStatistic(tick);
    doc.text(label, left - 6 - doc.widthOfString(label), ty - 3.5, { lineBreak: false });
  }
  doc.lineWidth(0.8).strokeColor(INK).moveTo(left, top).lineTo(left, bottom).lineTo(right, bottom).stroke();

  doc.fillColor(INK).fontSize(9);
  for (const [cx, label] of [
    [beforeX, chart.baseline],
    [afterX, chart.followup],
  ] as const) {
    const text = fitOneLine(doc, label, (right - left) / 2 - 8);
    doc.text(text, cx - doc.widthOfString(text) / 2, bottom + 8, { lineBreak: false });
  }
  // The axis title, rotated along the axis.
  doc.save();
  doc.rotate(-90, { origin: [x + 10, (top + bottom) / 2] });
  const title = fitOneLine(doc, chart.axisLabel, bottom - top);
  doc.text(title, x + 10 - doc.widthOfString(title) / 2, (top + bottom) / 2 - 4, { lineBreak: false });
  doc.restore();

  for (const p of chart.points) {
    const colour = p.after >= p.before ? UP : DOWN;
    doc.lineWidth(1).strokeColor(colour).moveTo(beforeX, toY(p.before)).lineTo(afterX, toY(p.after)).stroke();
    doc.circle(beforeX, toY(p.before), 2.5).fill(colour);
    doc.circle(afterX, toY(p.after), 2.5).fill(colour);
  }
  if (chart.points.length <= MOST_LABELS) {
    doc.font(FONT).fontSize(7).fillColor(MUTED);
    for (const label of spreadLabels(chart.points.map((p) => ({ text: p.subject, y: toY(p.after) - 3 })))) {
      doc.text(fitOneLine(doc, label.text, 80), afterX + 6, label.y, { lineBreak: false });
    }
  }
}
