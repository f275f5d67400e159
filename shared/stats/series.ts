/**
 * A study's measure across three or more timepoints (ANALYSIS.md): each subject's images pooled per
 * timepoint as in cohort.ts, a summary per timepoint (n, mean, SD, median) and the Friedman test over the
 * subjects measured at every timepoint. Summaries and the test use the same subjects, so the table and the
 * p-value describe one group; subjects left out are listed with why. Pure and JSON-safe: an undefined
 * figure is null with its reason, never NaN.
 */
import {
  measureValue,
  pooledTimepoint,
  type CohortMeasure,
  type PooledFigures,
  type SubjectTimepoints,
} from './cohort';
import { friedmanTest } from './friedman';
import { mean, sampleSd } from './ranks';

export interface TimepointSummary {
  label: string;
  n: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  unavailable: Partial<Record<'mean' | 'sd' | 'median', string>>;
}

/** One subject's values on the measure, in the order of `timepoints`, with the pooled figures behind them. */
export interface SubjectSeries {
  subject: string;
  values: number[];
  figures: PooledFigures[];
}

/** A subject left out of the series: the labels it has no images at, or those where the measure is undefined. */
export interface IncompleteSubject {
  subject: string;
  missing: string[];
  undefinedAt: string[];
}

export interface SeriesStats {
  measure: CohortMeasure;
  timepoints: string[];
  summaries: TimepointSummary[];
  friedman: { statistic: number; df: number; p: number; n: number } | null;
  unavailable: { friedman?: string };
  subjects: SubjectSeries[];
  incomplete: IncompleteSubject[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(label: string, values: number[]): TimepointSummary {
  const n = values.length;
  if (n === 0) {
    const reason = 'no subject has a value at every timepoint';
    return {
      label,
      n,
      mean: null,
      sd: null,
      median: null,
      unavailable: { mean: reason, sd: reason, median: reason },
    };
  }
  const sd = n < 2 ? null : sampleSd(values);
  return {
    label,
    n,
    mean: mean(values),
    sd,
    median: median(values),
    unavailable: sd === null ? { sd: 'a standard deviation needs at least 2 subjects' } : {},
  };
}

/** friedmanTest infers the timepoints from the rows, so with no subject it would blame the timepoints. */
function friedmanOver(series: SubjectSeries[], timepoints: number): ReturnType<typeof friedmanTest> {
  if (timepoints < 3)
    return { ok: false, reason: `the Friedman test needs at least 3 timepoints (there are ${timepoints})` };
  if (series.length < 2)
    return {
      ok: false,
      reason: `the Friedman test needs at least 2 subjects with a value at every timepoint (there are ${series.length})`,
    };
  return friedmanTest(series.map((s) => s.values));
}

/** Each subject's series over `timepoints` (in that order), the per-timepoint summaries and Friedman. */
export function seriesStats(
  subjects: readonly SubjectTimepoints[],
  timepoints: readonly string[],
  measure: CohortMeasure,
): SeriesStats {
  const series: SubjectSeries[] = [];
  const incomplete: IncompleteSubject[] = [];
  for (const subject of subjects) {
    const figures = timepoints.map((label) => pooledTimepoint(subject, label));
    const missing = timepoints.filter((_, i) => figures[i] === null);
    const values = figures.map((f) => (f === null ? null : measureValue(f, measure)));
    const undefinedAt = timepoints.filter((_, i) => figures[i] !== null && values[i] === null);
    if (missing.length > 0 || undefinedAt.length > 0) {
      incomplete.push({ subject: subject.subject, missing, undefinedAt });
    } else {
      series.push({
        subject: subject.subject,
        values: values as number[],
        figures: figures as PooledFigures[],
      });
    }
  }
  const summaries = timepoints.map((label, j) =>
    summarise(
      label,
      series.map((s) => s.values[j]!),
    ),
  );
  const outcome = friedmanOver(series, timepoints.length);
  return {
    measure,
    timepoints: [...timepoints],
    summaries,
    friedman: outcome.ok
      ? { statistic: outcome.statistic, df: outcome.df, p: outcome.p, n: outcome.subjects }
      : null,
    unavailable: outcome.ok ? {} : { friedman: outcome.reason },
    subjects: series,
    incomplete,
  };
}
