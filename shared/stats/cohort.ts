/**
 * Pairs and cohorts (ANALYSIS.md): the images of each subject's timepoint pooled into one figure (sums
 * of stained and analysed pixels, not a mean of per-image fractions), the baseline and follow-up of each
 * subject paired, the change of each pair and the cohort statistics of the paired differences (after
 * minus before). Pure: the study's measurements come in, a JSON-safe document goes out (no NaN, no
 * Infinity; an undefined figure is null with its reason in `unavailable`).
 */
import { changeBetween, poolFields, type FieldMeasure, type PooledMeasure } from './change';
import { comparePairs } from './paired';

export type CohortMeasure = 'fraction' | 'area';

/** One subject's timepoint and the measured images in it (every image must have a measurement). */
export interface TimepointFields {
  label: string;
  fields: FieldMeasure[];
}

export interface SubjectTimepoints {
  subject: string;
  timepoints: TimepointFields[];
}

/** The figures of one pooled timepoint, as `study stats --json` prints them (CLI.md). */
export interface PooledFigures {
  stainedAreaPx: number;
  analyzedAreaPx: number;
  stainedFraction: number | null;
  stainedAreaUm2: number | null;
}

export interface PairChange {
  absolute: number | null;
  relativePercent: number | null;
  foldChange: number | null;
  unavailable: Partial<Record<'absolute' | 'relativePercent' | 'foldChange', string>>;
}

export interface CohortPair {
  subject: string;
  before: PooledFigures;
  after: PooledFigures;
  change: PairChange;
}

export interface CohortSummary {
  n: number;
  meanDifference: number | null;
  sdDifference: number | null;
  ci95: [number, number] | null;
  pairedT: { t: number; df: number; p: number } | null;
  wilcoxon: { statistic: number; p: number } | null;
  unavailable: Partial<Record<'meanDifference' | 'sdDifference' | 'ci95' | 'pairedT' | 'wilcoxon', string>>;
}

/** A subject left out of the pairs, and the label(s) it has no images for. */
export interface UnpairedSubject {
  subject: string;
  missing: string[];
}

export interface CohortStats {
  measure: CohortMeasure;
  pairs: CohortPair[];
  cohort: CohortSummary;
  unpaired: UnpairedSubject[];
}

/** Labels and codes are matched as the CLI matches them: ignoring case, not accents. */
export const sameLabel = (a: string, b: string): boolean =>
  a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

const figures = (pooled: PooledMeasure): PooledFigures => ({
  stainedAreaPx: pooled.stainedPx,
  analyzedAreaPx: pooled.analyzedPx,
  stainedFraction: pooled.stainedFraction,
  stainedAreaUm2: pooled.stainedAreaUm2,
});

/** The value the statistics use: a 0..1 stained fraction, or the stained area in um2. */
export const measureValue = (f: PooledFigures, measure: CohortMeasure): number | null =>
  measure === 'fraction' ? f.stainedFraction : f.stainedAreaUm2;

/** Why a pooled timepoint has no value for the measure (the pair's change is then null). */
function missingValueReason(measure: CohortMeasure, which: 'before' | 'after'): string {
  if (measure === 'area')
    return `the ${which} images are not all calibrated, so their area in um2 is unknown`;
  return `nothing was analysed in the ${which} images (no tissue detected or an empty region), so their stained fraction is undefined`;
}

function pairChange(before: PooledFigures, after: PooledFigures, measure: CohortMeasure): PairChange {
  const b = measureValue(before, measure);
  const a = measureValue(after, measure);
  const { absolute, relativePercent, foldChange, unavailable } = changeBetween(b, a);
  if (b === null || a === null) {
    const reason = missingValueReason(measure, b === null ? 'before' : 'after');
    return {
      absolute,
      relativePercent,
      foldChange,
      unavailable: { absolute: reason, relativePercent: reason, foldChange: reason },
    };
  }
  return { absolute, relativePercent, foldChange, unavailable };
}

/** The subject's images at `label` pooled into one figure; null when it has none there. */
export const pooledTimepoint = (subject: SubjectTimepoints, label: string): PooledFigures | null => {
  const fields = subject.timepoints.filter((t) => sameLabel(t.label, label)).flatMap((t) => t.fields);
  return fields.length === 0 ? null : figures(poolFields(fields));
};

/** Pair every subject's baseline with its follow-up and compare the pairs. */
export function cohortStats(
  subjects: readonly SubjectTimepoints[],
  baseline: string,
  followup: string,
  measure: CohortMeasure,
): CohortStats {
  const pairs: CohortPair[] = [];
  const unpaired: UnpairedSubject[] = [];
  for (const subject of subjects) {
    const before = pooledTimepoint(subject, baseline);
    const after = pooledTimepoint(subject, followup);
    if (before && after) {
      pairs.push({ subject: subject.subject, before, after, change: pairChange(before, after, measure) });
    } else {
      const missing = [before ? null : baseline, after ? null : followup].filter((l) => l !== null);
      unpaired.push({ subject: subject.subject, missing });
    }
  }
  const compared = comparePairs(
    pairs.map((p) => ({ before: measureValue(p.before, measure), after: measureValue(p.after, measure) })),
  );
  const incomplete = pairs.length - compared.n;
  const cohort: CohortSummary = {
    n: compared.n,
    meanDifference: compared.meanDifference,
    sdDifference: compared.sdDifference,
    ci95: compared.ci95,
    pairedT: compared.pairedT,
    wilcoxon: compared.wilcoxon && { statistic: compared.wilcoxon.statistic, p: compared.wilcoxon.p },
    unavailable: { ...compared.unavailable },
  };
  if (incomplete > 0 && compared.n === 0) {
    const reason = `none of the ${pairs.length} pairs has a ${measure === 'area' ? 'stained area in um2' : 'stained fraction'} at both timepoints`;
    for (const key of Object.keys(cohort.unavailable) as (keyof CohortSummary['unavailable'])[]) {
      cohort.unavailable[key] = reason;
    }
  }
  return { measure, pairs, cohort, unpaired };
}
