/**
 * The study's results as CSV (CLI.md, `study export --csv`): one row per image and one per timepoint
 * pooled over its images (sums of stained and analysed pixels), with the study, subject, timepoint,
 * session, date, image hash and every measure. Cells are neutralised against formula injection by
 * csv.ts. A timepoint with an unmeasured image gets empty pooled measures rather than a partial sum.
 */
import type { ImageResult } from '../api-study-results';
import { poolFields } from '../stats/change';
import { objectsToCsv, type CsvColumn } from './csv';

export interface StudyCsvRow {
  study: string;
  subject: string;
  timepoint: string;
  session: number | null;
  date: string | null;
  /** 'image', or 'pooled' for the timepoint's row. */
  row: 'image' | 'pooled';
  images: number;
  fileName: string | null;
  sha256: string | null;
  umPerPx: number | null;
  stainedAreaPx: number | null;
  analyzedAreaPx: number | null;
  stainedFraction: number | null;
  stainedAreaUm2: number | null;
  analyzedAreaUm2: number | null;
  meanStainedOD: number | null;
  algorithmVersion: string | null;
  measuredAt: string | null;
}

const COLUMNS: CsvColumn<StudyCsvRow>[] = (
  [
    ['study', 'study'],
    ['subject', 'subject'],
    ['timepoint', 'timepoint'],
    ['session', 'session'],
    ['date', 'date'],
    ['row', 'row'],
    ['images', 'images'],
    ['file_name', 'fileName'],
    ['image_sha256', 'sha256'],
    ['um_per_px', 'umPerPx'],
    ['stained_area_px', 'stainedAreaPx'],
    ['analyzed_area_px', 'analyzedAreaPx'],
    ['stained_fraction', 'stainedFraction'],
    ['stained_area_um2', 'stainedAreaUm2'],
    ['analyzed_area_um2', 'analyzedAreaUm2'],
    ['mean_stained_od', 'meanStainedOD'],
    ['algorithm_version', 'algorithmVersion'],
    ['measured_at', 'measuredAt'],
  ] as const
).map(([header, key]) => ({ header, value: (row: StudyCsvRow) => row[key] }));

function imageRow(study: string, r: ImageResult): StudyCsvRow {
  const m = r.measurement;
  return {
    study,
    subject: r.subject.code,
    timepoint: r.timepoint.label,
    session: r.timepoint.session,
    date: r.timepoint.date,
    row: 'image',
    images: 1,
    fileName: r.image.fileName,
    sha256: r.image.sha256,
    umPerPx: m ? m.params.umPerPx : r.image.umPerPx,
    stainedAreaPx: m?.measurement.stainedAreaPx ?? null,
    analyzedAreaPx: m?.measurement.analyzedAreaPx ?? null,
    stainedFraction: m?.measurement.stainedFraction ?? null,
    stainedAreaUm2: m?.measurement.stainedAreaUm2 ?? null,
    analyzedAreaUm2: m?.measurement.analyzedAreaUm2 ?? null,
    meanStainedOD: m?.measurement.meanStainedOD ?? null,
    algorithmVersion: m?.algorithmVersion ?? null,
    measuredAt: m?.createdAt ?? null,
  };
}

function pooledRow(study: string, images: ImageResult[]): StudyCsvRow {
  const first = images[0]!;
  const complete = images.every((r) => r.measurement !== null);
  const pooled = complete
    ? poolFields(
        images.map((r) => ({
          stainedPx: r.measurement!.measurement.stainedAreaPx,
          analyzedPx: r.measurement!.measurement.analyzedAreaPx,
          umPerPx: r.measurement!.params.umPerPx,
        })),
      )
    : null;
  return {
    ...imageRow(study, { ...first, measurement: null }),
    row: 'pooled',
    images: images.length,
    fileName: null,
    sha256: null,
    umPerPx: null,
    stainedAreaPx: pooled?.stainedPx ?? null,
    analyzedAreaPx: pooled?.analyzedPx ?? null,
    stainedFraction: pooled?.stainedFraction ?? null,
    stainedAreaUm2: pooled?.stainedAreaUm2 ?? null,
    analyzedAreaUm2: pooled?.analyzedAreaUm2 ?? null,
  };
}

/** Rows in study order: each timepoint's images, then its pooled row. */
export function studyCsvRows(study: string, results: readonly ImageResult[]): StudyCsvRow[] {
  const rows: StudyCsvRow[] = [];
  let group: ImageResult[] = [];
  const flush = () => {
    if (group.length > 0) rows.push(...group.map((r) => imageRow(study, r)), pooledRow(study, group));
    group = [];
  };
  for (const r of results) {
    if (group.length > 0 && group[0]!.timepoint.id !== r.timepoint.id) flush();
    group.push(r);
  }
  flush();
  return rows;
}

/** The CSV document, with a byte order mark so spreadsheets read accented names and um2 right. */
export const studyCsv = (study: string, results: readonly ImageResult[]): string =>
  objectsToCsv(studyCsvRows(study, results), COLUMNS, { bom: true });
