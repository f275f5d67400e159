import { describe, expect, it } from 'vitest';
import type { SubjectTimepoints } from '../../shared/stats/cohort';
import { median, seriesStats, type SeriesStats } from '../../shared/stats/series';
import {
  SCIPY_SERIES_AREA,
  SCIPY_SERIES_FRACTION,
  SERIES_LABELS,
  SERIES_STAINED_PX,
} from '../helpers/scipy-series';

const field = (stainedPx: number, umPerPx: number | null = 0.5) => ({
  stainedPx,
  analyzedPx: 10_000,
  umPerPx,
});

const STUDY: SubjectTimepoints[] = SERIES_STAINED_PX.map(({ subject, px }) => ({
  subject,
  timepoints: px.flatMap((counts, i) =>
    counts === null ? [] : [{ label: SERIES_LABELS[i]!, fields: counts.map((c) => field(c)) }],
  ),
}));

function expectScipy(stats: SeriesStats, scipy: typeof SCIPY_SERIES_FRACTION, digits: number) {
  expect(stats.friedman!.statistic).toBeCloseTo(scipy.friedman.statistic, 12);
  expect(stats.friedman!.df).toBe(scipy.friedman.df);
  expect(stats.friedman!.p).toBeCloseTo(scipy.friedman.p, 12);
  expect(stats.friedman!.n).toBe(4);
  stats.summaries.forEach((s, i) => {
    const want = scipy.summaries[i]!;
    expect(s.n).toBe(want.n);
    expect(s.mean).toBeCloseTo(want.mean, digits);
    expect(s.sd).toBeCloseTo(want.sd, digits);
    expect(s.median).toBeCloseTo(want.median, digits);
  });
}

describe('seriesStats', () => {
  it('pools each timepoint by pixel sums and matches scipy on the stained fraction, ties included', () => {
    const stats = seriesStats(STUDY, SERIES_LABELS, 'fraction');
    expect(stats.timepoints).toEqual(['baseline', 'week-6', 'week-12']);
    expect(stats.subjects.map((s) => s.subject)).toEqual(['S01', 'S02', 'S03', 'S04']);
    expect(stats.subjects[0]!.figures[0]).toEqual({
      stainedAreaPx: 1000,
      analyzedAreaPx: 20_000,
      stainedFraction: 0.05,
      stainedAreaUm2: 250,
    });
    expect(stats.subjects[3]!.values).toEqual([0.09, 0.09, 0.21]);
    expectScipy(stats, SCIPY_SERIES_FRACTION, 14);
    expect(stats.unavailable).toEqual({});
  });

  it('matches scipy on the stained area in um2', () => {
    expectScipy(seriesStats(STUDY, SERIES_LABELS, 'area'), SCIPY_SERIES_AREA, 10);
  });

  it('lists a subject missing a timepoint instead of dropping it silently', () => {
    const stats = seriesStats(STUDY, SERIES_LABELS, 'fraction');
    expect(stats.incomplete).toEqual([{ subject: 'S05', missing: ['week-6'], undefinedAt: [] }]);
  });

  it('lists a subject whose measure is undefined at a timepoint (uncalibrated for area)', () => {
    const uncalibrated: SubjectTimepoints = {
      subject: 'S09',
      timepoints: SERIES_LABELS.map((label) => ({
        label,
        fields: [field(500, label === 'week-6' ? null : 0.5)],
      })),
    };
    const stats = seriesStats([...STUDY, uncalibrated], SERIES_LABELS, 'area');
    expect(stats.incomplete).toContainEqual({ subject: 'S09', missing: [], undefinedAt: ['week-6'] });
    expectScipy(stats, SCIPY_SERIES_AREA, 10);
  });

  it('matches scipy with four timepoints and ties in most subjects', () => {
    // /usr/bin/python3 -c "from scipy import stats; import numpy as np; g=np.array([[3,3,5,4],[2,2,2,6],[7,8,8,9],[1,4,4,1],[5,6,7,5]],dtype=float); print(repr(stats.friedmanchisquare(*g.T)))"
    // scipy 1.10.1: FriedmanchisquareResult(statistic=5.780487804878042, pvalue=0.12279231073737662)
    const rows = [
      [3, 3, 5, 4],
      [2, 2, 2, 6],
      [7, 8, 8, 9],
      [1, 4, 4, 1],
      [5, 6, 7, 5],
    ];
    const labels = ['t0', 't1', 't2', 't3'];
    const subjects = rows.map((row, i) => ({
      subject: `S${i + 1}`,
      timepoints: row.map((px, j) => ({ label: labels[j]!, fields: [field(px)] })),
    }));
    const stats = seriesStats(subjects, labels, 'fraction');
    expect(stats.friedman!.statistic).toBeCloseTo(5.780487804878042, 12);
    expect(stats.friedman!.df).toBe(3);
    expect(stats.friedman!.p).toBeCloseTo(0.12279231073737662, 12);
    expect(stats.summaries[0]!.median).toBe(3 / 10_000);
  });

  it('is null with a reason, never NaN, below 2 subjects or 3 timepoints', () => {
    const one = seriesStats(STUDY.slice(0, 1), SERIES_LABELS, 'fraction');
    expect(one.friedman).toBeNull();
    expect(one.unavailable.friedman).toBe(
      'the Friedman test needs at least 2 subjects with a value at every timepoint (there are 1)',
    );
    expect(one.summaries[0]).toMatchObject({ n: 1, sd: null, unavailable: { sd: expect.any(String) } });
    const none = seriesStats([], SERIES_LABELS, 'fraction');
    expect(none.unavailable.friedman).toMatch(/at least 2 subjects .* \(there are 0\)/);
    expect(none.summaries[0]).toMatchObject({ n: 0, mean: null, median: null });
    const two = seriesStats(STUDY, ['baseline', 'week-12'], 'fraction');
    expect(two.friedman).toBeNull();
    expect(two.unavailable.friedman).toBe('the Friedman test needs at least 3 timepoints (there are 2)');
    expect(JSON.stringify([one, none, two])).not.toMatch(/NaN|Infinity/);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });
});
