/**
 * The comparison report as plain data (pure): from the study's results and its paired statistics to
 * every string the PDF prints, so the figures and their wording are unit-tested here and the layout
 * (main/services/reports/) only places them. Undefined figures say "n/a" with a footnote giving the reason.
 */
import type { ResolvedParams } from '../analysis/protocol';
import type { StudyResults } from '../api-study-results';
import { changeBetween, fractionPointChange, poolFields, type PooledMeasure } from '../stats/change';
import { sameLabel, type CohortPair, type CohortStats } from '../stats/cohort';
import {
  formatArea,
  formatFold,
  formatP,
  formatPercentOfFraction,
  formatPoints,
  formatPx,
  formatRelative,
  formatSigned,
  formatStatistic,
  formatTimestamp,
} from './report-format';
import { calibrationStatus, protocolRows, type Measured, type ReportRow } from './report-protocol';

export interface ReportInput {
  studyName: string;
  /** ISO date-time of generation. */
  generatedAt: string;
  appVersion: string;
  results: StudyResults;
  /** services.getStudyStats for the two timepoints compared. */
  stats: CohortStats;
  baseline: string;
  followup: string;
}

/** The image drawn for a timepoint (its first image) and what the overlay is computed with. */
export interface FigureImage {
  imageId: number;
  fileName: string;
  width: number;
  height: number;
  umPerPx: number | null;
  params: ResolvedParams;
}

export interface TimepointPanel {
  /** "baseline (session 0, 2025-01-15)". */
  heading: string;
  /** "img0.png, 1 of 2 images (figures pool both)". */
  caption: string;
  figure: FigureImage | null;
}

export interface ReportTable {
  header: string[];
  rows: string[][];
}

export interface SubjectSection {
  subject: string;
  before: TimepointPanel;
  after: TimepointPanel;
  table: ReportTable;
  /** "(a) the before value is 0, so a ratio to it is undefined". */
  footnotes: string[];
}

export interface ChartPoint {
  subject: string;
  before: number;
  after: number;
}

export interface CohortSection {
  /** "Stained fraction (%)". */
  measureLabel: string;
  rows: ReportRow[];
  chart: { axisLabel: string; points: ChartPoint[]; baseline: string; followup: string };
  notes: string[];
}

export interface ReportModel {
  title: string;
  subtitle: string;
  meta: ReportRow[];
  protocol: ReportRow[];
  notes: string[];
  subjects: SubjectSection[];
  /** Null with fewer than two complete pairs (cohortNote says why). */
  cohort: CohortSection | null;
  cohortNote: string | null;
}

export const CHANGE_HEADER = ['Measure', 'Before', 'After', 'Change', 'Relative', 'Fold'];

/** Collects the reasons of n/a cells as lettered footnotes, one letter per distinct reason. */
class Footnotes {
  readonly lines: string[] = [];
  private readonly reasons: string[] = [];

  na(reason: string): string {
    let index = this.reasons.indexOf(reason);
    if (index < 0) {
      index = this.reasons.push(reason) - 1;
      this.lines.push(`(${String.fromCharCode(97 + index)}) ${reason}`);
    }
    return `n/a (${String.fromCharCode(97 + index)})`;
  }
}

type Row = string[];

/** A measure's row: before, after, and its change (absolute, relative, fold), n/a cells with reasons. */
function changeRow(
  label: string,
  before: number | null,
  after: number | null,
  format: (v: number) => string,
  notes: Footnotes,
  missing: string,
): Row {
  if (before === null || after === null) {
    return [
      label,
      before === null ? notes.na(missing) : format(before),
      after === null ? notes.na(missing) : format(after),
      notes.na(missing),
      notes.na(missing),
      notes.na(missing),
    ];
  }
  const change = changeBetween(before, after);
  const na = (key: 'relativePercent' | 'foldChange') => notes.na(change.unavailable[key] ?? 'undefined');
  return [
    label,
    format(before),
    format(after),
    formatSigned(change.absolute!, format),
    change.relativePercent === null ? na('relativePercent') : formatRelative(change.relativePercent),
    change.foldChange === null ? na('foldChange') : formatFold(change.foldChange),
  ];
}

function fractionRow(before: PooledMeasure, after: PooledMeasure, notes: Footnotes): Row {
  const empty =
    'nothing was analysed at this timepoint (no tissue detected or an empty region), so the fraction is undefined';
  const row = changeRow(
    'Stained fraction',
    before.stainedFraction,
    after.stainedFraction,
    formatPercentOfFraction,
    notes,
    empty,
  );
  const points = fractionPointChange(before.stainedFraction, after.stainedFraction);
  // The change of a fraction is read in percentage points, not as a difference of percent strings.
  if (points !== null) row[3] = formatPoints(points);
  return row;
}

function changeTable(before: PooledMeasure, after: PooledMeasure, notes: Footnotes): ReportTable {
  const uncalibrated = 'not every image of the timepoint is calibrated, so its area in µm² is unknown';
  return {
    header: CHANGE_HEADER,
    rows: [
      changeRow(
        'Stained area (µm²)',
        before.stainedAreaUm2,
        after.stainedAreaUm2,
        formatArea,
        notes,
        uncalibrated,
      ),
      changeRow('Stained area (px)', before.stainedPx, after.stainedPx, formatPx, notes, ''),
      changeRow(
        'Analysed area (µm²)',
        before.analyzedAreaUm2,
        after.analyzedAreaUm2,
        formatArea,
        notes,
        uncalibrated,
      ),
      changeRow('Analysed area (px)', before.analyzedPx, after.analyzedPx, formatPx, notes, ''),
      fractionRow(before, after, notes),
    ],
  };
}

const imagesAt = (measured: Measured[], subject: string, label: string) =>
  measured.filter((r) => sameLabel(r.subject.code, subject) && sameLabel(r.timepoint.label, label));

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function panel(images: Measured[], label: string): TimepointPanel {
  const first = images[0];
  if (!first) return { heading: label, caption: 'no measured image', figure: null };
  const { session, date } = first.timepoint;
  const when = [session === null ? null : `session ${session}`, date].filter(Boolean).join(', ');
  const shown =
    images.length === 1
      ? first.image.fileName
      : `${first.image.fileName}: 1 of ${plural(images.length, 'image')} shown, the figures pool all`;
  return {
    heading: when ? `${first.timepoint.label} (${when})` : first.timepoint.label,
    caption: shown,
    figure: {
      imageId: first.image.id,
      fileName: first.image.fileName,
      width: first.image.width,
      height: first.image.height,
      umPerPx: first.measurement.params.umPerPx,
      params: first.measurement.params,
    },
  };
}

const poolOf = (images: Measured[]) =>
  poolFields(
    images.map((r) => ({
      stainedPx: r.measurement.measurement.stainedAreaPx,
      analyzedPx: r.measurement.measurement.analyzedAreaPx,
      umPerPx: r.measurement.params.umPerPx,
    })),
  );

function subjectSection(pair: CohortPair, measured: Measured[], input: ReportInput): SubjectSection {
  const before = imagesAt(measured, pair.subject, input.baseline);
  const after = imagesAt(measured, pair.subject, input.followup);
  const notes = new Footnotes();
  return {
    subject: pair.subject,
    before: panel(before, input.baseline),
    after: panel(after, input.followup),
    table: changeTable(poolOf(before), poolOf(after), notes),
    footnotes: notes.lines,
  };
}

/** The statistics' unit: fractions are shown in percent (differences in percentage points). */
function cohortScale(stats: CohortStats) {
  return stats.measure === 'fraction'
    ? {
        factor: 100,
        unit: 'pp',
        measureLabel: 'Stained fraction (%)',
        value: (f: CohortPair['before']) => f.stainedFraction,
      }
    : {
        factor: 1,
        unit: 'µm²',
        measureLabel: 'Stained area (µm²)',
        value: (f: CohortPair['before']) => f.stainedAreaUm2,
      };
}

/** The cohort's figures as the report words them (the app's Results screen shows the same rows). */
export function cohortSection(input: Pick<ReportInput, 'stats' | 'baseline' | 'followup'>): CohortSection {
  const { stats } = input;
  const c = stats.cohort;
  const scale = cohortScale(stats);
  const show = (v: number) => `${formatStatistic(v * scale.factor)} ${scale.unit}`;
  const na = (key: keyof typeof c.unavailable) => `n/a: ${c.unavailable[key] ?? 'undefined'}`;
  const rows: ReportRow[] = [
    { label: 'Measure', value: `${scale.measureLabel}, ${input.followup} minus ${input.baseline}` },
    { label: 'Pairs (n)', value: String(c.n) },
    {
      label: 'Mean difference',
      value: c.meanDifference === null ? na('meanDifference') : show(c.meanDifference),
    },
    {
      label: 'SD of differences',
      value: c.sdDifference === null ? na('sdDifference') : show(c.sdDifference),
    },
    {
      label: '95 % CI of the mean',
      value: c.ci95 === null ? na('ci95') : `${show(c.ci95[0])} to ${show(c.ci95[1])}`,
    },
    {
      label: 'Paired t-test',
      value:
        c.pairedT === null
          ? na('pairedT')
          : `t = ${formatStatistic(c.pairedT.t)}, df = ${c.pairedT.df}, p = ${formatP(c.pairedT.p)}`,
    },
    {
      label: 'Wilcoxon signed-rank',
      value:
        c.wilcoxon === null
          ? na('wilcoxon')
          : `W = ${formatStatistic(c.wilcoxon.statistic)}, p = ${formatP(c.wilcoxon.p)} (two-sided)`,
    },
  ];
  const points: ChartPoint[] = [];
  for (const p of stats.pairs) {
    const b = scale.value(p.before);
    const a = scale.value(p.after);
    if (b !== null && a !== null)
      points.push({ subject: p.subject, before: b * scale.factor, after: a * scale.factor });
  }
  const left = stats.pairs.length - points.length;
  return {
    measureLabel: scale.measureLabel,
    rows,
    chart: { axisLabel: scale.measureLabel, points, baseline: input.baseline, followup: input.followup },
    notes:
      left > 0
        ? [`${plural(left, 'pair')} without a value at both timepoints left out of the statistics.`]
        : [],
  };
}

function reportNotes(input: ReportInput): string[] {
  const notes = input.stats.unpaired.map(
    (u) => `${u.subject} has no images at ${u.missing.join(' and ')}: left out.`,
  );
  const unmeasured = input.results.images.filter((r) => r.measurement === null).length;
  if (unmeasured > 0) {
    notes.push(
      `${plural(unmeasured, 'image')} of the study ${unmeasured === 1 ? 'has' : 'have'} no measurement with the current protocol and ${unmeasured === 1 ? 'is' : 'are'} not in this report.`,
    );
  }
  return notes;
}

export function buildReportModel(input: ReportInput): ReportModel {
  const measured = input.results.images.filter((r): r is Measured => r.measurement !== null);
  const compared = measured.filter(
    (r) =>
      input.stats.pairs.some((p) => sameLabel(p.subject, r.subject.code)) &&
      (sameLabel(r.timepoint.label, input.baseline) || sameLabel(r.timepoint.label, input.followup)),
  );
  const algorithms = [...new Set(compared.map((r) => r.measurement.algorithmVersion))];
  const enough = input.stats.cohort.n >= 2;
  return {
    title: input.studyName,
    subtitle: `Comparison report: ${input.baseline} to ${input.followup}`,
    meta: [
      { label: 'Generated', value: formatTimestamp(input.generatedAt) },
      { label: 'DermaQuant version', value: input.appVersion },
      { label: 'Algorithm version', value: algorithms.join(', ') || 'none' },
      {
        label: 'Compared',
        value: `${input.followup} (after) against ${input.baseline} (before), ${plural(input.stats.pairs.length, 'subject')}, ${plural(compared.length, 'image')}`,
      },
      { label: 'Calibration', value: calibrationStatus(compared) },
      {
        label: 'Protocol',
        value: input.results.protocol.locked
          ? `locked${input.results.protocol.updatedAt ? ` since ${formatTimestamp(input.results.protocol.updatedAt)}` : ''}: every image measured alike`
          : 'not locked',
      },
    ],
    protocol: protocolRows(input.results.protocol.protocol, compared),
    notes: reportNotes(input),
    subjects: input.stats.pairs.map((pair) => subjectSection(pair, compared, input)),
    cohort: enough ? cohortSection(input) : null,
    cohortNote: enough
      ? null
      : `Cohort statistics need at least two complete pairs; this report has ${input.stats.cohort.n}.`,
  };
}
