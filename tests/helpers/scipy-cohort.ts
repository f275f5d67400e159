/**
 * A fixed cohort of five subjects and its statistics from scipy, shared by the unit test of
 * shared/stats/cohort.ts and the test of `dermaquant study stats` on real analysed images.
 *
 * Stained pixels per 100 x 100 image (0.5 um/px): S01 baseline has two images (600 and 400 px), pooled
 * to 1000 / 20 000 = 0.05; the other timepoints have one image each.
 */
export const COHORT_STAINED_PX: { subject: string; baseline: number[]; followup: number[] }[] = [
  { subject: 'S01', baseline: [600, 400], followup: [1800] },
  { subject: 'S02', baseline: [1500], followup: [2100] },
  { subject: 'S03', baseline: [800], followup: [1900] },
  { subject: 'S04', baseline: [1200], followup: [1500] },
  { subject: 'S05', baseline: [2000], followup: [1800] },
];

/*
 * Reference values from scipy 1.10.1, computed once with:
 * /usr/bin/python3 -c "
 * import numpy as np; from scipy import stats
 * b=np.array([1000/20000,1500/10000,800/10000,1200/10000,2000/10000]); a=np.array([1800/10000,2100/10000,1900/10000,1500/10000,1800/10000])
 * d=a-b; print(d.mean(), d.std(ddof=1)); print(stats.ttest_rel(a,b)); print(stats.wilcoxon(a,b))
 * print(stats.t.interval(0.95, len(d)-1, loc=d.mean(), scale=stats.sem(d)))
 * ba=b*10000*0.25; ba[0]=1000*0.25; aa=a*10000*0.25; d2=aa-ba
 * print(d2.mean(), d2.std(ddof=1)); print(stats.ttest_rel(aa,ba)); print(stats.wilcoxon(aa,ba))
 * print(stats.t.interval(0.95, len(d2)-1, loc=d2.mean(), scale=stats.sem(d2)))"
 */
export const SCIPY_FRACTION = {
  mean: 0.061999999999999986,
  sd: 0.060580524923443846,
  t: 2.288461758629242,
  p: 0.08399930965795906,
  ci95: [-0.013220656789726226, 0.1372206567897262],
  wilcoxon: { statistic: 1, p: 0.125 },
};
export const SCIPY_AREA = {
  mean: 130,
  sd: 124.24773639789177,
  t: 2.3395906074624073,
  p: 0.07941391603106635,
  ci95: [-24.27394114357395, 284.27394114357395],
  wilcoxon: { statistic: 1, p: 0.125 },
};
