/**
 * Every expected figure below comes from scipy 1.17.1 (Python 3.11), printed by this script with
 * `python3 reference.py` (saved under that name; nothing else was changed by hand):
 *
 * import json, numpy as np, scipy
 * from scipy import stats
 * print("scipy", scipy.__version__)
 * def paired(before, after):
 *     b = np.array(before, dtype=float); a = np.array(after, dtype=float); d = a - b
 *     n = len(d); m = d.mean(); sd = d.std(ddof=1)
 *     tt = stats.ttest_rel(a, b)
 *     ci = stats.t.interval(0.95, n - 1, loc=m, scale=sd / np.sqrt(n))
 *     w = stats.wilcoxon(a, b)
 *     return dict(n=n, mean=m, sd=sd, ci=list(ci), t=tt.statistic, df=n - 1, p=tt.pvalue, w=w.statistic, wp=w.pvalue)
 * cases = {
 *   # stained fraction before/after, 8 subjects, no ties: exact Wilcoxon
 *   "fractions8": ([0.112, 0.087, 0.143, 0.095, 0.121, 0.078, 0.134, 0.101],
 *                  [0.141, 0.083, 0.188, 0.119, 0.140, 0.091, 0.129, 0.150]),
 *   # 20 subjects, um2, no ties: exact Wilcoxon
 *   "areas20": ([1520.5, 980.2, 2210.0, 1333.3, 1875.9, 1102.4, 1650.0, 1420.7, 990.1, 2005.5,
 *                1300.0, 1777.7, 1234.5, 1111.1, 1999.9, 1456.2, 1620.3, 1588.8, 1402.0, 1750.0],
 *               [1700.0, 1050.7, 2100.4, 1500.0, 2100.2, 1180.9, 1905.5, 1400.1, 1210.0, 2250.8,
 *                1290.3, 1901.0, 1400.0, 1305.6, 2050.0, 1600.6, 1700.7, 1590.0, 1633.3, 1950.5]),
 *   # 10 pairs with ties and a zero: exact permutation test in scipy 'auto'
 *   "ties10": ([10, 12, 15, 11, 9, 14, 13, 10, 12, 16],
 *              [12, 14, 15, 13, 8, 17, 15, 11, 14, 19]),
 *   # 20 pairs with ties: normal approximation with tie correction
 *   "ties20": ([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
 *              [7, 8, 7, 11, 10, 12, 13, 11, 16, 15, 18, 18, 17, 21, 20, 22, 24, 21, 26, 27]),
 * }
 * # 60 pairs, no ties: normal approximation (n > 50)
 * rng = np.random.default_rng(42)
 * b60 = np.round(rng.uniform(0.05, 0.25, 60), 6)
 * a60 = np.round(b60 + rng.normal(0.01, 0.03, 60), 6)
 * cases["random60"] = (b60.tolist(), a60.tolist())
 * out = {}
 * for k, (b, a) in cases.items():
 *     out[k] = dict(before=b, after=a, **paired(b, a))
 * # Friedman: 8 subjects x 3 timepoints (with within-subject ties), and 6 x 4
 * f1 = [[0.10, 0.14, 0.16], [0.08, 0.08, 0.12], [0.15, 0.19, 0.18], [0.09, 0.13, 0.13],
 *       [0.12, 0.11, 0.17], [0.07, 0.10, 0.14], [0.11, 0.16, 0.15], [0.13, 0.13, 0.13]]
 * f2 = [[1, 2, 3, 4], [2, 1, 4, 3], [1, 3, 2, 4], [1, 2, 4, 3], [2, 3, 1, 4], [1, 2, 3, 4]]
 * for name, rows in [("friedman8x3", f1), ("friedman6x4", f2)]:
 *     r = stats.friedmanchisquare(*np.array(rows, dtype=float).T)
 *     out[name] = dict(rows=rows, statistic=r.statistic, p=r.pvalue)
 * print(json.dumps(out, indent=1))
 */
import { describe, expect, it } from 'vitest';
import { comparePairs, compareDifferences } from '../../shared/stats/paired';
import { wilcoxonSignedRank } from '../../shared/stats/wilcoxon';
import { friedmanTest } from '../../shared/stats/friedman';
import { averageRanks } from '../../shared/stats/ranks';
import { studentTQuantile } from '../../shared/stats/distributions';

const SCIPY = {
  fractions8: {
    before: [0.112, 0.087, 0.143, 0.095, 0.121, 0.078, 0.134, 0.101],
    after: [0.141, 0.083, 0.188, 0.119, 0.14, 0.091, 0.129, 0.15],
    mean: 0.021249999999999998,
    sd: 0.020005356425574765,
    ci: [0.004525103483560118, 0.03797489651643988],
    t: 3.004399178013131,
    df: 7,
    p: 0.019818436636437918,
    w: 3.0,
    wp: 0.0390625,
  },
  areas20: {
    before: [
      1520.5, 980.2, 2210.0, 1333.3, 1875.9, 1102.4, 1650.0, 1420.7, 990.1, 2005.5, 1300.0, 1777.7, 1234.5,
      1111.1, 1999.9, 1456.2, 1620.3, 1588.8, 1402.0, 1750.0,
    ],
    after: [
      1700.0, 1050.7, 2100.4, 1500.0, 2100.2, 1180.9, 1905.5, 1400.1, 1210.0, 2250.8, 1290.3, 1901.0, 1400.0,
      1305.6, 2050.0, 1600.6, 1700.7, 1590.0, 1633.3, 1950.5,
    ],
    mean: 124.575,
    sd: 102.94678684180789,
    ci: [76.39442066339329, 172.75557933660673],
    t: 5.41169232848578,
    df: 19,
    p: 3.196422408398447e-5,
    w: 13.0,
    wp: 0.0001678466796875,
  },
  ties10: {
    before: [10, 12, 15, 11, 9, 14, 13, 10, 12, 16],
    after: [12, 14, 15, 13, 8, 17, 15, 11, 14, 19],
    mean: 1.6,
    sd: 1.2649110640673518,
    ci: [0.6951371348807182, 2.504862865119282],
    t: 4.0,
    df: 9,
    p: 0.0031104283103858543,
    w: 1.5,
    wp: 0.01171875,
  },
  ties20: {
    before: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
    after: [7, 8, 7, 11, 10, 12, 13, 11, 16, 15, 18, 18, 17, 21, 20, 22, 24, 21, 26, 27],
    mean: 1.7,
    sd: 1.3416407864998738,
    ci: [1.0720927836775074, 2.3279072163224925],
    t: 5.666666666666667,
    df: 19,
    p: 1.8344404702188525e-5,
    w: 6.0,
    wp: 0.00045025419208122183,
  },
  random60: {
    before: [
      0.204791, 0.137776, 0.22172, 0.189474, 0.068835, 0.245124, 0.202228, 0.207213, 0.075623, 0.140077,
      0.12416, 0.235353, 0.178773, 0.214552, 0.138683, 0.095448, 0.160917, 0.062763, 0.215526, 0.176333,
      0.201618, 0.120905, 0.24414, 0.228624, 0.205677, 0.088928, 0.143344, 0.058761, 0.080858, 0.18661,
      0.198952, 0.243502, 0.115165, 0.124092, 0.143911, 0.087894, 0.075984, 0.145141, 0.095382, 0.183963,
      0.13743, 0.216536, 0.190053, 0.112473, 0.216452, 0.210953, 0.127496, 0.107666, 0.186499, 0.07795,
      0.089982, 0.051472, 0.207385, 0.18297, 0.191033, 0.206146, 0.141783, 0.163748, 0.077959, 0.072906,
    ],
    after: [
      0.188816, 0.176824, 0.181234, 0.189427, 0.083718, 0.272711, 0.233565, 0.241013, 0.075161, 0.136206,
      0.159899, 0.239614, 0.150502, 0.190553, 0.121099, 0.120363, 0.17519, 0.093478, 0.212708, 0.191089,
      0.230386, 0.121625, 0.267843, 0.218766, 0.204785, 0.087476, 0.117469, 0.08337, 0.076776, 0.196985,
      0.223374, 0.266898, 0.145127, 0.131137, 0.141212, 0.095502, 0.035364, 0.111728, 0.065701, 0.164046,
      0.159423, 0.199372, 0.188708, 0.16145, 0.215764, 0.243078, 0.109487, 0.111503, 0.167998, 0.077779,
      0.125191, 0.009652, 0.230418, 0.200102, 0.183209, 0.172764, 0.153947, 0.157863, 0.094939, 0.083562,
    ],
    mean: 0.0037872833333333356,
    sd: 0.02262788144632347,
    ci: [-0.00205811827862568, 0.00963268494529235],
    t: 1.296461209783487,
    df: 59,
    p: 0.19986468106952626,
    w: 755.0,
    wp: 0.23885382738964556,
  },
  friedman8x3: {
    rows: [
      [0.1, 0.14, 0.16],
      [0.08, 0.08, 0.12],
      [0.15, 0.19, 0.18],
      [0.09, 0.13, 0.13],
      [0.12, 0.11, 0.17],
      [0.07, 0.1, 0.14],
      [0.11, 0.16, 0.15],
      [0.13, 0.13, 0.13],
    ],
    statistic: 7.923076923076923,
    p: 0.019033808971804525,
  },
  friedman6x4: {
    rows: [
      [1, 2, 3, 4],
      [2, 1, 4, 3],
      [1, 3, 2, 4],
      [1, 2, 4, 3],
      [2, 3, 1, 4],
      [1, 2, 3, 4],
    ],
    statistic: 10.600000000000009,
    p: 0.01409765951310594,
  },
};

/**
 * jStat's incomplete beta (under the t distribution) is good to about 3e-8 relative: p-values of the
 * t-test are held to scipy's within 1e-7, and confidence limits (through the t quantile) within 3e-8
 * of their size. Everything not passing through jStat's t is held to 1e-12.
 */
const TP = 1e-7;
const TQ = 3e-8;

/** Relative closeness, for figures that span many orders of magnitude. */
const expectClose = (actual: number | null | undefined, expected: number, relative: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    relative * Math.max(Math.abs(expected), 1e-300),
  );
};

const pairsOf = (c: { before: number[]; after: number[] }) =>
  c.before.map((before, i) => ({ before, after: c.after[i] }));

describe('paired comparison against scipy', () => {
  for (const [name, c] of Object.entries(SCIPY).filter(([key]) => !key.startsWith('friedman'))) {
    const expected = c as (typeof SCIPY)['fractions8'];
    it(`${name}: mean, SD, 95 % CI, paired t-test and Wilcoxon`, () => {
      const result = comparePairs(pairsOf(expected));
      expect(result.n).toBe(expected.before.length);
      expectClose(result.meanDifference, expected.mean, 1e-12);
      expectClose(result.sdDifference, expected.sd, 1e-12);
      // The limits carry the t quantile's precision (see shared/stats/distributions.ts).
      expectClose(result.ci95?.[0], expected.ci[0], TQ);
      expectClose(result.ci95?.[1], expected.ci[1], TQ);
      expectClose(result.pairedT?.t, expected.t, 1e-12);
      expect(result.pairedT?.df).toBe(expected.df);
      expectClose(result.pairedT?.p, expected.p, TP);
      expect(result.wilcoxon?.statistic).toBe(expected.w);
      expectClose(result.wilcoxon?.p, expected.wp, 1e-10);
      expect(result.unavailable).toEqual({});
    });
  }

  it('chooses the Wilcoxon method as scipy does by default', () => {
    const method = (c: { before: number[]; after: number[] }) => comparePairs(pairsOf(c)).wilcoxon?.method;
    expect(method(SCIPY.fractions8)).toBe('exact');
    expect(method(SCIPY.areas20)).toBe('exact');
    expect(method(SCIPY.ties10)).toBe('exact-permutation');
    expect(method(SCIPY.ties20)).toBe('normal-approximation');
    expect(method(SCIPY.random60)).toBe('normal-approximation');
  });

  it('drops zero differences from the Wilcoxon ranks and reports how many', () => {
    // python3 -c "from scipy.stats import wilcoxon; print(wilcoxon([2, 2, 0, 2, -1, 3, 2, 1, 2, 3]))": statistic 1.5, p 0.01171875
    const result = wilcoxonSignedRank([2, 2, 0, 2, -1, 3, 2, 1, 2, 3]);
    expect(result).toMatchObject({
      ok: true,
      result: { zeros: 1, nonzero: 9, statistic: 1.5, p: 0.01171875 },
    });
  });
});

describe('undefined figures are null with a reason, never NaN', () => {
  it('handles no pairs, one pair, identical differences and all-zero differences', () => {
    const none = compareDifferences([]);
    expect(none).toMatchObject({ n: 0, meanDifference: null, ci95: null, pairedT: null, wilcoxon: null });
    expect(none.unavailable.pairedT).toContain('no complete pairs');
    const one = compareDifferences([0.02]);
    expect(one).toMatchObject({ n: 1, meanDifference: 0.02, sdDifference: null, ci95: null, pairedT: null });
    expect(one.unavailable.ci95).toContain('at least 2 pairs');
    expect(one.wilcoxon?.p).toBe(1);
    const same = compareDifferences([0.01, 0.01, 0.01]);
    expect(same.sdDifference).toBe(0);
    expect(same.ci95).toEqual([0.01, 0.01]);
    expect(same.pairedT).toBeNull();
    expect(same.unavailable.pairedT).toContain('undefined');
    const zeros = compareDifferences([0, 0, 0]);
    expect(zeros.wilcoxon).toBeNull();
    expect(zeros.unavailable.wilcoxon).toContain('zero');
    expect(JSON.stringify([none, one, same, zeros])).not.toMatch(/NaN|Infinity/);
  });

  it('leaves out pairs with a missing value', () => {
    const result = comparePairs([
      { before: 0.1, after: 0.2 },
      { before: null, after: 0.3 },
      { before: 0.2, after: 0.25 },
    ]);
    expect(result.n).toBe(2);
    expect(result.meanDifference).toBeCloseTo(0.075, 15);
  });
});

describe('Friedman test against scipy', () => {
  it('matches friedmanchisquare with and without ties', () => {
    for (const c of [SCIPY.friedman8x3, SCIPY.friedman6x4]) {
      const result = friedmanTest(c.rows);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expectClose(result.statistic, c.statistic, 1e-12);
      expectClose(result.p, c.p, 1e-9);
      expect(result.df).toBe(c.rows[0].length - 1);
    }
  });

  it('needs 3 timepoints and 2 complete subjects, and leaves out incomplete ones', () => {
    expect(
      friedmanTest([
        [1, 2],
        [2, 3],
      ]),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('3 timepoints') });
    expect(
      friedmanTest([
        [1, 2, 3],
        [1, null, 3],
      ]),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('(there are 1)') });
    expect(
      friedmanTest([
        [1, 1, 1],
        [2, 2, 2],
      ]),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('same value') });
    const withGap = friedmanTest([...SCIPY.friedman8x3.rows, [0.1, null, 0.2]]);
    expect(withGap.ok && withGap.subjects).toBe(8);
  });
});

describe('building blocks', () => {
  it('ranks with averaged ties like scipy.stats.rankdata', () => {
    // rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]) = [4.5, 1.5, 6, 1.5, 7.5, 10, 3, 9, 7.5, 4.5]
    expect(averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])).toEqual({
      ranks: [4.5, 1.5, 6, 1.5, 7.5, 10, 3, 9, 7.5, 4.5],
      tieSizes: [2, 2, 2],
    });
  });

  it('gives t quantiles as scipy t.ppf does, to 1e-8', () => {
    // python3 -c "from scipy import stats; [print(df, repr(stats.t.ppf(0.975, df))) for df in [1, 2, 7, 19, 59, 1000]]"
    const expected: [number, number][] = [
      [1, 12.706204736174694],
      [2, 4.302652729749462],
      [7, 2.364624251592784],
      [19, 2.0930240544083087],
      [59, 2.000995378088267],
      [1000, 1.9623390808264083],
    ];
    for (const [df, t] of expected) expectClose(studentTQuantile(0.975, df), t, 1e-8);
  });
});
