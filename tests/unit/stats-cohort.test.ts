import { describe, expect, it } from 'vitest';
import { cohortStats, type SubjectTimepoints } from '../../shared/stats/cohort';
import { COHORT_STAINED_PX, SCIPY_AREA, SCIPY_FRACTION } from '../helpers/scipy-cohort';

const field = (stainedPx: number, analyzedPx = 10_000, umPerPx: number | null = 0.5) => ({
  stainedPx,
  analyzedPx,
  umPerPx,
});

const subject = (code: string, before: number[], after: number[]): SubjectTimepoints => ({
  subject: code,
  timepoints: [
    { label: 'baseline', fields: before.map((px) => field(px)) },
    { label: 'week-12', fields: after.map((px) => field(px)) },
  ],
});

const COHORT = COHORT_STAINED_PX.map((s) => subject(s.subject, s.baseline, s.followup));

describe('cohortStats', () => {
  it('pools the images of a timepoint by summing pixels, and matches scipy on the stained fraction', () => {
    const stats = cohortStats(COHORT, 'baseline', 'week-12', 'fraction');
    expect(stats.pairs.map((p) => p.subject)).toEqual(['S01', 'S02', 'S03', 'S04', 'S05']);
    expect(stats.pairs[0]!.before).toEqual({
      stainedAreaPx: 1000,
      analyzedAreaPx: 20_000,
      stainedFraction: 0.05,
      stainedAreaUm2: 250,
    });
    expect(stats.pairs[0]!.change.absolute).toBeCloseTo(0.13, 15);
    expect(stats.pairs[0]!.change.relativePercent).toBeCloseTo(260, 10);
    expect(stats.pairs[0]!.change.foldChange).toBeCloseTo(3.6, 12);
    const c = stats.cohort;
    expect(c.n).toBe(5);
    expect(c.meanDifference).toBeCloseTo(SCIPY_FRACTION.mean, 14);
    expect(c.sdDifference).toBeCloseTo(SCIPY_FRACTION.sd, 14);
    expect(c.ci95![0]).toBeCloseTo(SCIPY_FRACTION.ci95[0]!, 10);
    expect(c.ci95![1]).toBeCloseTo(SCIPY_FRACTION.ci95[1]!, 10);
    expect(c.pairedT!.t).toBeCloseTo(SCIPY_FRACTION.t, 10);
    expect(c.pairedT!.df).toBe(4);
    expect(c.pairedT!.p).toBeCloseTo(SCIPY_FRACTION.p, 10);
    expect(c.wilcoxon).toEqual(SCIPY_FRACTION.wilcoxon);
    expect(c.unavailable).toEqual({});
  });

  it('matches scipy on the stained area in um2 (each image with its own calibration)', () => {
    const c = cohortStats(COHORT, 'baseline', 'week-12', 'area').cohort;
    expect(c.meanDifference).toBeCloseTo(SCIPY_AREA.mean, 10);
    expect(c.sdDifference).toBeCloseTo(SCIPY_AREA.sd, 10);
    expect(c.ci95![0]).toBeCloseTo(SCIPY_AREA.ci95[0]!, 8);
    expect(c.ci95![1]).toBeCloseTo(SCIPY_AREA.ci95[1]!, 8);
    expect(c.pairedT!.t).toBeCloseTo(SCIPY_AREA.t, 10);
    expect(c.pairedT!.p).toBeCloseTo(SCIPY_AREA.p, 10);
    expect(c.wilcoxon).toEqual(SCIPY_AREA.wilcoxon);
  });

  it('matches labels ignoring case and lists subjects without a pair', () => {
    const lonely: SubjectTimepoints = {
      subject: 'S09',
      timepoints: [{ label: 'Baseline', fields: [field(100)] }],
    };
    const stats = cohortStats([...COHORT.slice(0, 2), lonely], 'BASELINE', 'Week-12', 'fraction');
    expect(stats.pairs).toHaveLength(2);
    expect(stats.unpaired).toEqual([{ subject: 'S09', missing: ['Week-12'] }]);
  });

  it('with one pair gives the mean difference and null statistics with a reason, never NaN', () => {
    const stats = cohortStats([COHORT[1]!], 'baseline', 'week-12', 'fraction');
    expect(stats.cohort.n).toBe(1);
    expect(stats.cohort.meanDifference).toBeCloseTo(0.06, 15);
    expect(stats.cohort.sdDifference).toBeNull();
    expect(stats.cohort.pairedT).toBeNull();
    expect(stats.cohort.unavailable.pairedT).toMatch(/at least 2 pairs/);
    expect(JSON.stringify(stats)).not.toMatch(/NaN|Infinity/);
  });

  it('makes the change null with a reason when a ratio or a value is undefined', () => {
    const zeroBefore = subject('S01', [0], [500]);
    const stats = cohortStats([zeroBefore], 'baseline', 'week-12', 'fraction');
    expect(stats.pairs[0]!.change).toMatchObject({ absolute: 0.05, relativePercent: null, foldChange: null });
    expect(stats.pairs[0]!.change.unavailable.foldChange).toMatch(/before value is 0/);

    const nothingAnalysed: SubjectTimepoints = {
      subject: 'S02',
      timepoints: [
        { label: 'baseline', fields: [field(0, 0)] },
        { label: 'week-12', fields: [field(10)] },
      ],
    };
    const empty = cohortStats([nothingAnalysed], 'baseline', 'week-12', 'fraction');
    expect(empty.pairs[0]!.change.absolute).toBeNull();
    expect(empty.pairs[0]!.change.unavailable.absolute).toMatch(/nothing was analysed in the before images/);
    expect(empty.cohort.n).toBe(0);
    expect(empty.cohort.unavailable.meanDifference).toMatch(/none of the 1 pairs has a stained fraction/);

    const uncalibrated: SubjectTimepoints = {
      subject: 'S03',
      timepoints: [
        { label: 'baseline', fields: [field(10), field(10, 10_000, null)] },
        { label: 'week-12', fields: [field(10)] },
      ],
    };
    const area = cohortStats([uncalibrated], 'baseline', 'week-12', 'area');
    expect(area.pairs[0]!.before.stainedAreaUm2).toBeNull();
    expect(area.pairs[0]!.change.unavailable.absolute).toMatch(/not all calibrated/);
  });
});
