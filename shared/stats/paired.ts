/**
 * Cohort statistics of paired differences (after minus before, one per subject): n, mean and SD of the
 * differences, the 95 % confidence interval of the mean difference (t distribution), the paired t-test
 * and the Wilcoxon signed-rank test, both two-sided. Figures that are undefined for the data (one pair,
 * all differences equal...) are null, with the reason in `unavailable`; the result never holds NaN or
 * Infinity, so it can go straight into JSON.
 */
import { studentTQuantile, studentTTwoSidedP } from './distributions';
import { mean, sampleSd } from './ranks';
import { wilcoxonSignedRank, type WilcoxonMethod } from './wilcoxon';

export interface PairedComparison {
  n: number;
  meanDifference: number | null;
  sdDifference: number | null;
  ci95: [number, number] | null;
  pairedT: { t: number; df: number; p: number } | null;
  wilcoxon: { statistic: number; p: number; method: WilcoxonMethod; zeros: number } | null;
  /** Why a figure above is null, by field name. */
  unavailable: Partial<Record<'meanDifference' | 'sdDifference' | 'ci95' | 'pairedT' | 'wilcoxon', string>>;
}

/** Compares paired values; pairs where either value is missing (null) are left out. */
export function comparePairs(
  pairs: readonly { before: number | null; after: number | null }[],
): PairedComparison {
  const differences = pairs
    .filter((p): p is { before: number; after: number } => p.before !== null && p.after !== null)
    .map((p) => p.after - p.before);
  return compareDifferences(differences);
}

/** Every statistic left out, for one reason that applies to them all. */
function nothingAvailable(out: PairedComparison, reason: string): PairedComparison {
  Object.assign(out.unavailable, {
    meanDifference: reason,
    sdDifference: reason,
    ci95: reason,
    pairedT: reason,
    wilcoxon: reason,
  });
  return out;
}

export function compareDifferences(differences: readonly number[]): PairedComparison {
  const unavailable: PairedComparison['unavailable'] = {};
  const n = differences.length;
  const out: PairedComparison = {
    n,
    meanDifference: null,
    sdDifference: null,
    ci95: null,
    pairedT: null,
    wilcoxon: null,
    unavailable,
  };
  if (differences.some((d) => !Number.isFinite(d))) {
    return nothingAvailable(out, 'a difference is not a finite number');
  }
  if (n === 0) {
    return nothingAvailable(out, 'there are no complete pairs');
  }
  const m = mean(differences);
  out.meanDifference = m;
  if (n < 2) {
    const reason = 'one pair gives no spread: at least 2 pairs are needed';
    Object.assign(unavailable, { sdDifference: reason, ci95: reason, pairedT: reason });
  } else {
    const sd = sampleSd(differences);
    const df = n - 1;
    const se = sd / Math.sqrt(n);
    const half = studentTQuantile(0.975, df) * se;
    out.sdDifference = sd;
    out.ci95 = [m - half, m + half];
    if (se > 0) {
      const t = m / se;
      out.pairedT = { t, df, p: studentTTwoSidedP(t, df) };
    } else {
      unavailable.pairedT = 'every difference is the same, so the t statistic is undefined';
    }
  }
  const w = wilcoxonSignedRank(differences);
  if (w.ok) {
    out.wilcoxon = {
      statistic: w.result.statistic,
      p: w.result.p,
      method: w.result.method,
      zeros: w.result.zeros,
    };
  } else {
    unavailable.wilcoxon = w.reason;
  }
  return out;
}
