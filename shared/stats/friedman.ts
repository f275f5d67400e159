/**
 * Friedman test across three or more timepoints measured on the same subjects (scipy.stats.
 * friedmanchisquare): values are ranked within each subject (ties averaged), and the chi-square
 * statistic is corrected for those ties. Subjects missing any timepoint are left out.
 */
import { chiSquareSf } from './distributions';
import { averageRanks } from './ranks';

export type FriedmanOutcome =
  | { ok: true; statistic: number; df: number; p: number; subjects: number; timepoints: number }
  | { ok: false; reason: string };

/** `rows[subject][timepoint]`; null marks a missing measurement. */
export function friedmanTest(rows: readonly (readonly (number | null)[])[]): FriedmanOutcome {
  const k = rows.reduce((max, row) => Math.max(max, row.length), 0);
  if (k < 3) return { ok: false, reason: 'the Friedman test needs at least 3 timepoints' };
  const complete = rows.filter(
    (row): row is number[] => row.length === k && row.every((v) => v !== null && Number.isFinite(v)),
  );
  const n = complete.length;
  if (n < 2)
    return {
      ok: false,
      reason: `the Friedman test needs at least 2 subjects with every timepoint (there are ${n})`,
    };
  const rankSums = new Array<number>(k).fill(0);
  let ties = 0;
  for (const row of complete) {
    const { ranks, tieSizes } = averageRanks(row);
    ranks.forEach((r, j) => (rankSums[j] += r));
    ties += tieSizes.reduce((s, t) => s + t * (t * t - 1), 0);
  }
  const correction = 1 - ties / (k * (k * k - 1) * n);
  if (correction <= 0) return { ok: false, reason: 'every subject has the same value at every timepoint' };
  const ssbn = rankSums.reduce((s, r) => s + r * r, 0);
  const statistic = ((12 / (k * n * (k + 1))) * ssbn - 3 * n * (k + 1)) / correction;
  const df = k - 1;
  return { ok: true, statistic, df, p: chiSquareSf(statistic, df), subjects: n, timepoints: k };
}
