/**
 * `dermaquant study protocol / analyze / stats` run as child processes on real SQLite studies with real
 * PNGs (sharp): the stained pixels of every image are known exactly, so the statistics of the whole
 * chain (analysis, storage, pooling, pairing, tests) are checked against scipy's values.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { LATEST_SCHEMA_VERSION } from '../../main/services/study/migrations';
import { ensureMainBuilt } from '../helpers/build-main';
import { runCli as cli, runCliJson as cliJson, writeStainedBlockPng } from '../helpers/cli-run';
import { cliBundle } from '../helpers/paths';
import { canUseReadOnlyBindMount, runWithReadOnlyFolder } from '../helpers/read-only';
import { COHORT_STAINED_PX, SCIPY_AREA, SCIPY_FRACTION } from '../helpers/scipy-cohort';
import { useTempDirs } from '../helpers/temp-dir';

const PROTOCOL = ['--threshold', '0.15', '--tissue', 'none'];
const readOnlyMountWorks = canUseReadOnlyBindMount();

beforeAll(() => ensureMainBuilt(), 120_000);

/** The scipy cohort as a study: subjects S01..S05, timepoints baseline and week-12, 0.5 um/px. */
async function cohortStudy(root: string, umPerPx: string | null = '0.5'): Promise<string> {
  const dir = path.join(root, 'study');
  expect(cli('study', 'init', dir).status).toBe(0);
  let variant = 0;
  for (const { subject, baseline, followup } of COHORT_STAINED_PX) {
    for (const [label, counts] of [
      ['baseline', baseline],
      ['week-12', followup],
    ] as const) {
      const files = await Promise.all(
        counts.map((px, i) =>
          writeStainedBlockPng(path.join(root, 'src', `${subject}-${label}-${i}.png`), px, variant++),
        ),
      );
      const calibration = umPerPx === null ? [] : ['--um-per-px', umPerPx];
      const add = cli(
        'study',
        'add',
        dir,
        '--subject',
        subject,
        '--timepoint',
        label,
        ...calibration,
        ...files,
      );
      expect(add.status, add.stderr).toBe(0);
    }
  }
  return dir;
}

const closeTo = (actual: unknown, expected: number, digits: number) =>
  expect(actual as number).toBeCloseTo(expected, digits);

describe('dermaquant study protocol, analyze and stats', () => {
  const tempDir = useTempDirs('dq-cli-stats-');

  it('sets the protocol, analyses every image, stores the results and matches scipy', async () => {
    const dir = await cohortStudy(tempDir());

    const noProtocol = cli('study', 'analyze', dir);
    expect(noProtocol.status).toBe(1);
    expect(noProtocol.stderr).toMatch(/has no analysis protocol yet: set one with dermaquant study protocol/);

    const protocol = cliJson('study', 'protocol', dir, ...PROTOCOL);
    expect(protocol.status, protocol.stderr).toBe(0);
    expect(protocol.json).toMatchObject({
      locked: false,
      protocol: { stain: 'purple', threshold: { method: 'fixed', od: 0.15 }, tissue: 'none' },
    });
    const shown = cli('study', 'protocol', dir);
    expect(shown.stdout).toContain('threshold fixed 0.15 OD, tissue none');

    const analyzed = cliJson('study', 'analyze', dir);
    expect(analyzed.status, analyzed.stderr).toBe(0);
    const measured = analyzed.json.measured as {
      subject: string;
      timepoint: string;
      fileName: string;
      measurement: { id: number; measurement: { stainedAreaPx: number; analyzedAreaPx: number } };
    }[];
    expect(measured).toHaveLength(11);
    expect(analyzed.json.failed).toEqual([]);
    expect(measured[0]).toMatchObject({
      subject: 'S01',
      timepoint: 'baseline',
      fileName: 'S01-baseline-0.png',
    });
    expect(measured.map((m) => m.measurement.measurement.stainedAreaPx)).toEqual(
      COHORT_STAINED_PX.flatMap((s) => [...s.baseline, ...s.followup]),
    );
    expect(analyzed.stderr).toContain('analysing 11/11: S05 / week-12 / S05-week-12-0.png');

    // Each measurement is stored and retrievable through the services afterwards.
    const services = createServices({ studyDir: dir });
    try {
      const results = await services.listStudyResults({});
      expect(results.protocol.locked).toBe(true);
      expect(results.images.map((r) => r.measurement?.id)).toEqual(measured.map((m) => m.measurement.id));
    } finally {
      services.close();
    }

    const stats = cliJson('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12');
    expect(stats.status, stats.stderr).toBe(0);
    expect(Object.keys(stats.json)).toEqual(['measure', 'pairs', 'cohort']);
    const pairs = stats.json.pairs as { subject: string; before: object; change: object }[];
    expect(pairs.map((p) => p.subject)).toEqual(['S01', 'S02', 'S03', 'S04', 'S05']);
    expect(pairs[0]!.before).toEqual({
      stainedAreaPx: 1000,
      analyzedAreaPx: 20_000,
      stainedFraction: 0.05,
      stainedAreaUm2: 250,
    });
    expect(Object.keys(pairs[0]!.change)).toEqual(
      expect.arrayContaining(['absolute', 'relativePercent', 'foldChange']),
    );
    const cohort = stats.json.cohort as Record<string, never>;
    expect(cohort['n']).toBe(5);
    closeTo(cohort['meanDifference'], SCIPY_FRACTION.mean, 14);
    closeTo(cohort['sdDifference'], SCIPY_FRACTION.sd, 14);
    closeTo((cohort['ci95'] as number[])[0], SCIPY_FRACTION.ci95[0]!, 10);
    closeTo((cohort['ci95'] as number[])[1], SCIPY_FRACTION.ci95[1]!, 10);
    expect(Object.keys(cohort['pairedT'])).toEqual(['t', 'df', 'p']);
    closeTo(cohort['pairedT']['t'], SCIPY_FRACTION.t, 10);
    closeTo(cohort['pairedT']['p'], SCIPY_FRACTION.p, 10);
    expect(cohort['pairedT']['df']).toBe(4);
    expect(cohort['wilcoxon']).toEqual(SCIPY_FRACTION.wilcoxon);

    const area = cliJson(
      'study',
      'stats',
      dir,
      '--baseline',
      'Baseline',
      '--followup',
      'WEEK-12',
      '--measure',
      'area',
    );
    expect(area.status, area.stderr).toBe(0);
    const areaCohort = area.json.cohort as Record<string, never>;
    closeTo(areaCohort['meanDifference'], SCIPY_AREA.mean, 10);
    closeTo(areaCohort['pairedT']['t'], SCIPY_AREA.t, 10);
    closeTo(areaCohort['pairedT']['p'], SCIPY_AREA.p, 10);
    expect(areaCohort['wilcoxon']).toEqual(SCIPY_AREA.wilcoxon);

    const text = cli('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('S01: 5.00 % -> 18.00 %, +13.00 points, +260.0 %, fold 3.600');
    expect(text.stdout).toContain('paired t-test t = 2.288, df = 4, p = 0.084');

    // Measured with it: the protocol is locked, and changing it is refused with one line.
    const locked = cliJson('study', 'protocol', dir, '--threshold', '0.2');
    expect(locked.status).toBe(1);
    expect(locked.json).toMatchObject({ error: { code: 'LOCKED' } });
    expect(locked.stderr.trim().split('\n')).toHaveLength(1);
    expect(locked.stderr).toContain(`The protocol of ${dir} is locked`);
    expect(locked.stderr).toContain('again with --unlock');

    // --unlock changes it (audited); the earlier measurements are no longer current, so stats asks for
    // a new analysis.
    const unlocked = cliJson('study', 'protocol', dir, '--threshold', '0.2', '--unlock');
    expect(unlocked.status).toBe(0);
    expect(unlocked.json).toMatchObject({
      locked: false,
      protocol: { threshold: { method: 'fixed', od: 0.2 } },
    });
    const stale = cli('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('No measurement with the current study protocol');
  }, 60_000);

  it('names an image without a measurement, an unknown label, and uncalibrated images for area', async () => {
    const root = tempDir();
    const dir = await cohortStudy(root, null);
    expect(cli('study', 'protocol', dir, ...PROTOCOL).status).toBe(0);

    const before = cli('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12');
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(
      /No measurement with the current study protocol for S01 \/ baseline \/ S01-baseline-0\.png, .* and 6 more: first analyse the study \(dermaquant study analyze\)/,
    );
    expect(cli('study', 'analyze', dir).status).toBe(0);

    const unknown = cliJson('study', 'stats', dir, '--baseline', 'before', '--followup', 'week-12');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(
      `No timepoint with images is labelled "before": the study's labels are "baseline", "week-12".`,
    );
    expect(unknown.json).toMatchObject({ error: { code: 'NOT_FOUND' } });

    const same = cli('study', 'stats', dir, '--baseline', 'week-12', '--followup', 'Week-12');
    expect(same.status).toBe(1);
    expect(same.stderr).toContain('name two different timepoints');

    const area = cli(
      'study',
      'stats',
      dir,
      '--baseline',
      'baseline',
      '--followup',
      'week-12',
      '--measure',
      'area',
    );
    expect(area.status).toBe(1);
    expect(area.stderr).toMatch(
      /needs calibrated images, and S01 \/ baseline \/ S01-baseline-0\.png, .* have no um per pixel/,
    );

    // A new image after the analysis has no measurement: it is named, with what to do.
    const extra = await writeStainedBlockPng(path.join(root, 'extra.png'), 50, 99);
    expect(cli('study', 'add', dir, '--subject', 'S02', '--timepoint', 'week-12', extra).status).toBe(0);
    const missing = cli('study', 'stats', dir, '--baseline', 'baseline', '--followup', 'week-12');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'dermaquant: No measurement with the current study protocol for S02 / week-12 / extra.png: first analyse the study (dermaquant study analyze).',
    );
  }, 60_000);

  it('reports one pair with the statistics null and a reason, and refuses no pairs', async () => {
    const root = tempDir();
    const dir = path.join(root, 'study');
    expect(cli('study', 'init', dir).status).toBe(0);
    const files = await Promise.all(
      [300, 700, 100].map((px, i) => writeStainedBlockPng(path.join(root, `${i}.png`), px, i)),
    );
    cli('study', 'add', dir, '--subject', 'A', '--timepoint', 'pre', files[0]!);
    cli('study', 'add', dir, '--subject', 'A', '--timepoint', 'post', files[1]!);
    cli('study', 'add', dir, '--subject', 'B', '--timepoint', 'pre', files[2]!);
    cli('study', 'protocol', dir, ...PROTOCOL);
    expect(cli('study', 'analyze', dir).status).toBe(0);

    const one = cliJson('study', 'stats', dir, '--baseline', 'pre', '--followup', 'post');
    expect(one.status, one.stderr).toBe(0);
    expect(one.stderr).toContain('B has no images at post: left out');
    expect(one.stderr).toContain('1 complete pair');
    expect(one.json.cohort).toMatchObject({
      n: 1,
      sdDifference: null,
      ci95: null,
      pairedT: null,
      unavailable: { pairedT: 'one pair gives no spread: at least 2 pairs are needed' },
    });
    closeTo((one.json.cohort as { meanDifference: number }).meanDifference, 0.04, 15);
    expect(one.stdout).not.toMatch(/NaN|Infinity/);

    const none = cli('study', 'stats', dir, '--baseline', 'post', '--followup', 'pre2');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('No timepoint with images is labelled "pre2"');
    fs.mkdirSync(path.join(root, 'more'));
    const lone = await writeStainedBlockPng(path.join(root, 'more', 'c.png'), 10, 7);
    cli('study', 'add', dir, '--subject', 'C', '--timepoint', 'late', lone);
    cli('study', 'analyze', dir);
    const noPairs = cli('study', 'stats', dir, '--baseline', 'post', '--followup', 'late');
    expect(noPairs.status).toBe(1);
    expect(noPairs.stderr).toContain(
      'No subject has images at both "post" and "late", so there is no pair to compare',
    );
  }, 60_000);

  it('reports a failing image by name and goes on with the others (exit 1)', async () => {
    const root = tempDir();
    const dir = path.join(root, 'study');
    cli('study', 'init', dir);
    const good = await writeStainedBlockPng(path.join(root, 'good.png'), 500, 1);
    const bad = await writeStainedBlockPng(path.join(root, 'bad.png'), 600, 2);
    cli('study', 'add', dir, '--subject', 'A', '--timepoint', 'pre', bad, good);
    cli('study', 'protocol', dir, ...PROTOCOL);
    // Damage the stored copy of bad.png (the study's own file, not the original).
    const db = new Database(path.join(dir, 'study.sqlite'), { readonly: true });
    const { sha256 } = db.prepare("SELECT sha256 FROM image WHERE file_name = 'bad.png'").get() as {
      sha256: string;
    };
    db.close();
    fs.writeFileSync(path.join(dir, 'images', `${sha256}.png`), 'not a png any more');

    const run = cliJson('study', 'analyze', dir);
    expect(run.status).toBe(1);
    expect(run.json.measured).toEqual([expect.objectContaining({ fileName: 'good.png' })]);
    expect(run.json.failed).toEqual([expect.objectContaining({ fileName: 'bad.png' })]);
    expect(run.stderr).toMatch(/dermaquant: A \/ pre \/ bad\.png: .*bad\.png/);
  }, 60_000);

  it('refuses a folder that is not a study, a newer study, and bad usage (exit 2, nothing on stdout)', () => {
    const root = tempDir();
    for (const args of [
      ['study', 'protocol', root, '--threshold', '0.2'],
      ['study', 'analyze', root],
      ['study', 'stats', root, '--baseline', 'a', '--followup', 'b'],
    ]) {
      const run = cli(...args);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stderr, args.join(' ')).toMatch(/not a DermaQuant study|no study/i);
      expect(run.stdout).toBe('');
    }
    const dir = path.join(root, 'newer');
    cli('study', 'init', dir);
    const db = new Database(path.join(dir, 'study.sqlite'));
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const newer = cli('study', 'stats', dir, '--baseline', 'a', '--followup', 'b');
    expect(newer.status).toBe(1);
    expect(newer.stderr).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);

    for (const args of [
      ['study', 'stats', dir, '--followup', 'b'],
      ['study', 'stats', dir, '--baseline', 'a', '--followup', 'b', '--measure', 'volume'],
      ['study', 'protocol', dir, '--roi', 'x.geojson'],
      ['study', 'protocol', dir, '--um-per-px', '0.5'],
      ['study', 'protocol', dir, '--threshold', '0.2', '--auto-threshold', 'otsu'],
      ['study', 'analyze'],
    ]) {
      const run = cli(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).not.toBe('');
      expect(run.stdout, args.join(' ')).toBe('');
    }
    expect(cli('study', 'protocol', dir, '--roi', 'x.geojson').stderr).toContain(
      '--roi is not part of a protocol',
    );
  });

  it.skipIf(!readOnlyMountWorks)(
    'refuses to set the protocol or analyse a read-only study (exit 1)',
    async () => {
      const root = tempDir();
      const dir = path.join(root, 'study');
      cli('study', 'init', dir);
      cli(
        'study',
        'add',
        dir,
        '--subject',
        'A',
        '--timepoint',
        'pre',
        await writeStainedBlockPng(path.join(root, 'a.png'), 5),
      );
      cli('study', 'protocol', dir, ...PROTOCOL);
      for (const args of [
        ['study', 'protocol', dir, '--threshold', '0.3'],
        ['study', 'analyze', dir],
      ]) {
        const run = runWithReadOnlyFolder(dir, [process.execPath, cliBundle, ...args]);
        expect(run.status, args.join(' ')).toBe(1);
        expect(run.stderr, args.join(' ')).toContain('is read-only');
        expect(
          run.stderr
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('dermaquant:')),
        ).toHaveLength(1);
      }
    },
    60_000,
  );
  if (!readOnlyMountWorks)
    it.skip('read-only study: no read-only bind mount on this machine (unshare refused)', () => {});
});
