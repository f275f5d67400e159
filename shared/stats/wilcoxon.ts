/**
 * Wilcoxon signed-rank test on paired differences (after minus before), two-sided, reproducing
 * scipy.stats.wilcoxon's defaults (scipy 1.17: zero_method='wilcox', correction=False, method='auto'):
 *
 * - Zeros: differences of exactly 0 are dropped before ranking (Wilcox's method); they still count in
 *   the n that chooses the method, as in scipy.
 * - n <= 50 with no ties and no zeros: the exact null distribution of the rank sum.
 * - n <= 13 with ties or zeros: an exact permutation test (all sign flips of the nonzero differences,
 *   with their tied average ranks), which is what scipy's 'auto' does since 1.15.
 * - Otherwise: the normal approximation with the tie correction of the variance, no continuity
 *   correction.
 *
 * The statistic is min(R+, R-), the sums of the ranks of the positive and negative differences.
 */
import { normalTwoSidedP } from './distributions';
import { averageRanks } from './ranks';

export type WilcoxonMethod = 'exact' | 'exact-permutation' | 'normal-approximation';

export interface WilcoxonResult {
  statistic: number;
  p: number;
  method: WilcoxonMethod;
  /** Differences used (nonzero) and dropped (zero). */
  nonzero: number;
  zeros: number;
  /** The z score when the normal approximation was used. */
  z: number | null;
}

export type WilcoxonOutcome = { ok: true; result: WilcoxonResult } | { ok: false; reason: string };

/**
 * Counts of every achievable rank sum R+ when each (doubled, hence whole) rank is added with a chance of
 * one half: index s holds the number of sign patterns giving 2 * R+ = s.
 */
function signedRankSumCounts(doubledRanks: readonly number[]): number[] {
  const total = doubledRanks.reduce((s, r) => s + r, 0);
  const counts = new Array<number>(total + 1).fill(0);
  counts[0] = 1;
  let reach = 0;
  for (const r of doubledRanks) {
    for (let s = reach; s >= 0; s--) if (counts[s]) counts[s + r] += counts[s];
    reach += r;
  }
  return counts;
}

/** Two-sided p from the exact distribution: twice the smaller tail, at most 1. */
function exactTwoSidedP(doubledRanks: readonly number[], doubledRPlus: number): number {
  const counts = signedRankSumCounts(doubledRanks);
  const patterns = 2 ** doubledRanks.length;
  let lower = 0;
  let upper = 0;
  counts.forEach((count, s) => {
    if (s <= doubledRPlus) lower += count;
    if (s >= doubledRPlus) upper += count;
  });
  return Math.min(1, (2 * Math.min(lower, upper)) / patterns);
}

export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonOutcome {
  if (differences.some((d) => !Number.isFinite(d)))
    return { ok: false, reason: 'a difference is not a finite number' };
  const n = differences.length;
  const nonzero = differences.filter((d) => d !== 0);
  const zeros = n - nonzero.length;
  if (nonzero.length === 0) {
    return {
      ok: false,
      reason: n === 0 ? 'there are no pairs' : 'every difference is zero: there is nothing to rank',
    };
  }
  const { ranks, tieSizes } = averageRanks(nonzero.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  nonzero.forEach((d, i) => {
    if (d > 0) rPlus += ranks[i];
    else rMinus += ranks[i];
  });
  const statistic = Math.min(rPlus, rMinus);
  const base = { statistic, nonzero: nonzero.length, zeros };
  const hasTiesOrZeros = tieSizes.length > 0 || zeros > 0;
  if (n <= 50 && (!hasTiesOrZeros || n <= 13)) {
    // Average ranks are whole or half numbers: doubling makes every sum a whole number.
    const p = exactTwoSidedP(
      ranks.map((r) => Math.round(2 * r)),
      Math.round(2 * rPlus),
    );
    return {
      ok: true,
      result: { ...base, p, method: hasTiesOrZeros ? 'exact-permutation' : 'exact', z: null },
    };
  }
  const m = nonzero.length;
  const tieCorrection = tieSizes.reduce((s, t) => s + t * t * t - t, 0);
  const se = Math.sqrt((m * (m + 1) * (2 * m + 1) - tieCorrection / 2) / 24);
  const z = (rPlus - (m * (m + 1)) / 4) / se;
  return { ok: true, result: { ...base, p: normalTwoSidedP(z), method: 'normal-approximation', z } };
}
