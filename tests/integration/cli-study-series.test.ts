/**
 * `dermaquant study stats --timepoints` and services.getStudySeries on a real SQLite study of three
 * timepoints x four subjects (and one subject missing a timepoint) with real PNGs whose stained pixels
 * are known exactly: the series, summaries and Friedman test of the whole chain checked against scipy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import type { SeriesStats } from '../../shared/stats/series';
import { ensureMainBuilt } from '../helpers/build-main';
import { runCli as cli, runCliJson as cliJson, writeStainedBlockPng } from '../helpers/cli-run';
import {
  SCIPY_SERIES_AREA,
  SCIPY_SERIES_FRACTION,
  SERIES_LABELS,
  SERIES_STAINED_PX,
} from '../helpers/scipy-series';
import { makeTempDir, useTempDirs } from '../helpers/temp-dir';

beforeAll(() => ensureMainBuilt(), 120_000);

/** The scipy series as a study, analysed; `uncalibrated` adds S04's week-12 image without um per pixel. */
async function seriesStudy(root: string, uncalibrated = false): Promise<string> {
  const dir = path.join(root, 'study');
  expect(cli('study', 'init', dir).status).toBe(0);
  let variant = 0;
  for (const { subject, px } of SERIES_STAINED_PX) {
    for (const [session, counts] of px.entries()) {
      if (counts === null) continue;
      const label = SERIES_LABELS[session]!;
      const files = await Promise.all(
        counts.map((n, i) =>
          writeStainedBlockPng(path.join(root, 'src', `${subject}-${label}-${i}.png`), n, variant++),
        ),
      );
      const calibration =
        uncalibrated && subject === 'S04' && label === 'week-12' ? [] : ['--um-per-px', '0.5'];
      const add = cli(
        'study',
        'add',
        dir,
        '--subject',
        subject,
        '--timepoint',
        label,
        '--session',
        String(session * 2),
        ...calibration,
        ...files,
      );
      expect(add.status, add.stderr).toBe(0);
    }
  }
  expect(cli('study', 'protocol', dir, '--threshold', '0.15', '--tissue', 'none').status).toBe(0);
  const analyzed = cli('study', 'analyze', dir);
  expect(analyzed.status, analyzed.stderr).toBe(0);
  return dir;
}

function expectScipy(series: SeriesStats, scipy: typeof SCIPY_SERIES_FRACTION) {
  expect(series.friedman!.statistic).toBeCloseTo(scipy.friedman.statistic, 10);
  expect(series.friedman!.df).toBe(2);
  expect(series.friedman!.p).toBeCloseTo(scipy.friedman.p, 10);
  expect(series.summaries.map((s) => s.n)).toEqual([4, 4, 4]);
  series.summaries.forEach((s, i) => {
    expect(s.mean).toBeCloseTo(scipy.summaries[i]!.mean, 8);
    expect(s.sd).toBeCloseTo(scipy.summaries[i]!.sd, 8);
    expect(s.median).toBeCloseTo(scipy.summaries[i]!.median, 8);
  });
}

describe('dermaquant study stats --timepoints (Friedman)', () => {
  // One study for every test here (they only read it): made once, removed after the last.
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = makeTempDir('dq-cli-series-');
    dir = await seriesStudy(root);
  }, 120_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('matches scipy through the services, every label by session when none is named', async () => {
    const services = createServices({ studyDir: dir });
    try {
      const series = await services.getStudySeries({ measure: 'fraction' });
      expect(series.timepoints).toEqual(['baseline', 'week-6', 'week-12']);
      expect(series.subjects.map((s) => s.subject)).toEqual(['S01', 'S02', 'S03', 'S04']);
      expect(series.incomplete).toEqual([{ subject: 'S05', missing: ['week-6'], undefinedAt: [] }]);
      expectScipy(series, SCIPY_SERIES_FRACTION);
      expectScipy(await services.getStudySeries({ measure: 'area' }), SCIPY_SERIES_AREA);
    } finally {
      services.close();
    }
  });

  it('prints the series, the summaries and Friedman as JSON and as text, and lists the incomplete subject', () => {
    const run = cliJson('study', 'stats', dir, '--timepoints', 'Baseline, week-6,week-12');
    expect(run.status, run.stderr).toBe(0);
    expect(Object.keys(run.json)).toEqual([
      'measure',
      'timepoints',
      'summaries',
      'friedman',
      'unavailable',
      'subjects',
      'incomplete',
    ]);
    const series = run.json as unknown as SeriesStats;
    expect(series.timepoints).toEqual(['baseline', 'week-6', 'week-12']); // the study's spelling
    expectScipy(series, SCIPY_SERIES_FRACTION);
    expect(series.subjects[0]).toEqual({
      subject: 'S01',
      values: [0.05, 0.15, 0.15],
      figures: [
        { stainedAreaPx: 1000, analyzedAreaPx: 20_000, stainedFraction: 0.05, stainedAreaUm2: 250 },
        { stainedAreaPx: 1500, analyzedAreaPx: 10_000, stainedFraction: 0.15, stainedAreaUm2: 375 },
        { stainedAreaPx: 1500, analyzedAreaPx: 10_000, stainedFraction: 0.15, stainedAreaUm2: 375 },
      ],
    });
    expect(run.stderr).toContain('S05 has no images at week-6: left out.');

    const text = cli('study', 'stats', dir, '--timepoints', 'baseline,week-6,week-12', '--measure', 'area');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('baseline: n = 4, mean 243.75 um2, SD 42.6956 um2, median 237.5 um2');
    expect(text.stdout).toContain('S01: 250 um2 -> 375 um2 -> 375 um2');
    expect(text.stdout).toContain('Friedman test chi-square = 5.571, df = 2, p = 0.06169 (n = 4)');
  });

  it('keeps the order the labels are given in', () => {
    const run = cliJson('study', 'stats', dir, '--timepoints', 'week-12,baseline,week-6');
    expect(run.status, run.stderr).toBe(0);
    expect((run.json as unknown as SeriesStats).subjects[0]!.values).toEqual([0.15, 0.05, 0.15]);
  });

  it('refuses unknown, repeated and too few labels, and a half-given pair (one-line messages)', () => {
    const unknown = cli('study', 'stats', dir, '--timepoints', 'baseline,week-6,week-24');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      `dermaquant: No timepoint with images is labelled "week-24": the study's labels are "baseline", "week-6", "week-12".`,
    );
    const repeated = cli('study', 'stats', dir, '--timepoints', 'baseline,week-6,Baseline');
    expect(repeated.status).toBe(1);
    expect(repeated.stderr).toContain('The timepoint "Baseline" is named more than once');
    const two = cli('study', 'stats', dir, '--timepoints', 'baseline,week-12');
    expect(two.status).toBe(1);
    expect(two.stderr).toContain('A series needs at least 3 timepoints (2 given: "baseline", "week-12")');
    const empty = cli('study', 'stats', dir, '--timepoints', 'baseline,,week-12');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('with none empty');
    const both = cli('study', 'stats', dir, '--timepoints', 'a,b,c', '--baseline', 'baseline');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('not both');
    const neither = cli('study', 'stats', dir);
    expect(neither.status).toBe(2);
    expect(neither.stdout).toBe('');
  });

  it('keeps the two-timepoint statistics as they were', () => {
    const pair = cliJson('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12');
    expect(pair.status, pair.stderr).toBe(0);
    expect(Object.keys(pair.json)).toEqual(['measure', 'pairs', 'cohort']);
    expect((pair.json.cohort as { n: number }).n).toBe(5);
  });
});

describe('dermaquant study stats --timepoints --measure area on uncalibrated images', () => {
  const tempDir = useTempDirs('dq-cli-series-uncal-');

  it('names the uncalibrated image', async () => {
    const dir = await seriesStudy(tempDir(), true);
    const run = cli('study', 'stats', dir, '--timepoints', 'baseline,week-6,week-12', '--measure', 'area');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('S04 / week-12 / S04-week-12-0.png has no um per pixel');
    expect(cli('study', 'stats', dir, '--timepoints', 'baseline,week-6,week-12').status).toBe(0);
  }, 120_000);
});
