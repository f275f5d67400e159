/**
 * A fixed study of three timepoints and its statistics from scipy, shared by the unit test of
 * shared/stats/series.ts and the tests of `dermaquant study stats --timepoints` on real analysed images.
 *
 * Stained pixels per 100 x 100 image (0.5 um/px): S01 baseline has two images (600 and 400 px), pooled to
 * 1000 / 20 000 = 0.05; S01 and S04 have ties within the subject (0.15, 0.15 and 0.09, 0.09); S05 has
 * no week-6 images, so it is listed as incomplete and left out of every figure.
 */
export const SERIES_LABELS = ['baseline', 'week-6', 'week-12'] as const;

export const SERIES_STAINED_PX: { subject: string; px: (number[] | null)[] }[] = [
  { subject: 'S01', px: [[600, 400], [1500], [1500]] },
  { subject: 'S02', px: [[1200], [1800], [2400]] },
  { subject: 'S03', px: [[800], [2000], [1600]] },
  { subject: 'S04', px: [[900], [900], [2100]] },
  { subject: 'S05', px: [[1000], null, [1900]] },
];

/*
 * Reference values from scipy 1.10.1, computed once with:
 * /usr/bin/python3 -c "
 * import numpy as np; from scipy import stats
 * f=np.array([[1000/20000,1500/10000,1500/10000],[1200/10000,1800/10000,2400/10000],[800/10000,2000/10000,1600/10000],[900/10000,900/10000,2100/10000]])
 * print(repr(stats.friedmanchisquare(*f.T)))
 * for c in f.T: print(len(c), repr(c.mean()), repr(c.std(ddof=1)), repr(np.median(c)))
 * a=f*10000*0.25; a[0,0]=1000*0.25
 * print(repr(stats.friedmanchisquare(*a.T)))
 * for c in a.T: print(len(c), repr(c.mean()), repr(c.std(ddof=1)), repr(np.median(c)))"
 */
export const SCIPY_SERIES_FRACTION = {
  friedman: { statistic: 5.571428571428571, df: 2, p: 0.06168501256797605 },
  summaries: [
    { n: 4, mean: 0.08499999999999999, sd: 0.028867513459481284, median: 0.08499999999999999 },
    { n: 4, mean: 0.155, sd: 0.0479583152331272, median: 0.16499999999999998 },
    { n: 4, mean: 0.19, sd: 0.04242640687119285, median: 0.185 },
  ],
};
export const SCIPY_SERIES_AREA = {
  friedman: { statistic: 5.571428571428571, df: 2, p: 0.06168501256797605 },
  summaries: [
    { n: 4, mean: 243.75, sd: 42.69562819149833, median: 237.5 },
    { n: 4, mean: 387.5, sd: 119.89578808281799, median: 412.5 },
    { n: 4, mean: 475.0, sd: 106.06601717798213, median: 462.5 },
  ],
};
