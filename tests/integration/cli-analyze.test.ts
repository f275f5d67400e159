import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { findPreset } from '../../shared/analysis/presets';
import { makeSlide, randomBlobs, type Slide, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { cliBundle, hasSharedData, repoRoot, sharedImage } from '../helpers/paths';
import { makeTempDir, snapshotTree } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [cliBundle, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const writePng = (s: Slide, file: string) =>
  sharp(Buffer.from(s.rgb), { raw: { width: s.width, height: s.height, channels: 3 } })
    .png()
    .toFile(file);

const rect = (x0: number, y0: number, x1: number, y1: number) => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

describe('dermaquant analyze and compare (spawned CLI)', () => {
  const dir = makeTempDir('dermaquant-cli-analyze-');
  const before = makeSlide({
    width: 300,
    height: 200,
    target: purple,
    counter: pink,
    blobs: randomBlobs(300, 200, 15, 1),
  });
  const after = makeSlide({
    width: 300,
    height: 200,
    target: purple,
    counter: pink,
    blobs: randomBlobs(300, 200, 35, 2),
  });
  const beforePng = path.join(dir, 'before.png');
  const afterPng = path.join(dir, 'after.png');

  beforeAll(async () => {
    ensureMainBuilt();
    await writePng(before, beforePng);
    await writePng(after, afterPng);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('analyze --json prints one document with every field of CLI.md', () => {
    const run = cli('analyze', beforePng, '--threshold', '0.3', '--um-per-px', '0.5', '--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'image',
        'params',
        'stainedAreaPx',
        'analyzedAreaPx',
        'stainedFraction',
        'stainedAreaUm2',
        'analyzedAreaUm2',
        'meanStainedOD',
        'algorithmVersion',
        'elapsedMs',
      ]),
    );
    expect(Object.keys(doc.image)).toEqual(['path', 'sha256', 'width', 'height', 'umPerPx']);
    expect(doc.image).toMatchObject({ path: beforePng, width: 300, height: 200, umPerPx: 0.5 });
    expect(doc.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.stainedAreaPx).toBe(before.truthCount);
    expect(doc.analyzedAreaPx).toBe(before.tissueCount);
    expect(doc.stainedAreaUm2).toBeCloseTo(before.truthCount * 0.25, 9);
    expect(doc.analyzedAreaUm2).toBeCloseTo(before.tissueCount * 0.25, 9);
    expect(doc.params.stain.vectors).toHaveLength(3);
    expect(doc.params).toMatchObject({
      channel: 'purple',
      threshold: { method: 'fixed', od: 0.3 },
      tissue: 'auto',
    });
    expect(doc.algorithmVersion).toMatch(/^dermaquant-stain-/);
    expect(run.stdout).not.toMatch(/NaN|Infinity/);
  });

  it('analyze without --json prints a readable summary', () => {
    const run = cli('analyze', beforePng, '--auto-threshold', 'otsu');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/before\.png {2}300 x 200 px, uncalibrated/);
    expect(run.stdout).toMatch(/threshold [0-9.]+ OD \(otsu\)/);
    expect(run.stdout).toMatch(/stained fraction [0-9.]+ %/);
  });

  it('compare --json reports both images and the change', () => {
    const run = cli('compare', beforePng, afterPng, '--threshold', '0.3', '--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.before.stainedAreaPx).toBe(before.truthCount);
    expect(doc.after.stainedAreaPx).toBe(after.truthCount);
    const fb = before.truthCount / before.tissueCount;
    const fa = after.truthCount / after.tissueCount;
    expect(doc.change).toMatchObject({
      measure: 'fraction',
      stainedAreaPx: after.truthCount - before.truthCount,
      stainedAreaUm2: null,
    });
    expect(doc.change.fractionPoints).toBeCloseTo((fa - fb) * 100, 9);
    expect(doc.change.relativePercent).toBeCloseTo(((fa - fb) / fb) * 100, 9);
    expect(doc.change.foldChange).toBeCloseTo(fa / fb, 9);
    expect(doc.change.reasons.stainedAreaUm2).toMatch(/no calibration/);
  });

  it('measures inside an ROI GeoJSON, subtracting "Exclude" features', () => {
    const roi = path.join(dir, 'roi.geojson');
    fs.writeFileSync(
      roi,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Polygon', coordinates: rect(0, 0, 100, 100) },
            properties: { objectType: 'annotation', classification: { name: 'Region*', color: [0, 0, 255] } },
          },
          {
            type: 'Feature',
            geometry: { type: 'Polygon', coordinates: rect(50, 50, 100, 100) },
            properties: { objectType: 'annotation', classification: { name: 'Exclude', color: [255, 0, 0] } },
          },
        ],
      }),
    );
    const run = cli('analyze', beforePng, '--roi', roi, '--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.analyzedAreaPx).toBe(100 * 100 - 50 * 50);
    expect(doc.params.roi).toMatchObject({ includePolygons: 1, excludePolygons: 1 });
    expect(doc.params.tissue).toBe('none');
  });

  it('reports an image without tissue with a null fraction and a reason, never NaN', async () => {
    const blank = path.join(dir, 'blank.png');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ffffff' } })
      .png()
      .toFile(blank);
    const run = cli('analyze', blank, '--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.stainedFraction).toBeNull();
    expect(doc.stainedFractionReason).toMatch(/no tissue was detected/);
    expect(doc.meanStainedOD).toBeNull();
    expect(run.stderr).toMatch(/warning: .*blank\.png: no tissue was detected/);
    expect(run.stdout).not.toMatch(/NaN/);
  });

  it('exits 1 with a one-line message naming the problem for bad input, and changes nothing', () => {
    const snapshot = snapshotTree(dir);
    const outsideRoi = path.join(dir, 'outside.geojson');
    fs.writeFileSync(
      outsideRoi,
      JSON.stringify({ type: 'Polygon', coordinates: rect(1000, 1000, 1200, 1100) }),
    );
    const emptyRoi = path.join(dir, 'empty.geojson');
    fs.writeFileSync(emptyRoi, JSON.stringify({ type: 'FeatureCollection', features: [] }));
    const notImage = path.join(dir, 'notes.txt');
    fs.writeFileSync(notImage, 'hello');
    const cases: [string[], RegExp][] = [
      [['--stain', 'sirius'], /Unknown stain preset "sirius"\. Choose one of purple, hed, he, h-dab, masson/],
      [['--stain', 'hed', '--channel', 'fuchsin'], /Unknown channel "fuchsin" for stain "hed"/],
      [['--threshold', '5'], /threshold 5 OD is out of range/],
      [['--stain-rgb', '120,60,160', '--stain-rgb', '56,14,100'], /are parallel/],
      [['--roi', outsideRoi], /covers no pixel of the 300 x 200 image/],
      [['--roi', emptyRoi], /empty\.geojson/],
      [['--roi', path.join(dir, 'missing.geojson')], /missing\.geojson does not exist/],
    ];
    for (const [args, message] of cases) {
      const run = cli('analyze', beforePng, ...args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
    }
    const missing = cli('analyze', path.join(dir, 'nope.png'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.png does not exist/);
    const unreadable = cli('analyze', notImage, '--json');
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/notes\.txt is not an image/);
    expect(JSON.parse(unreadable.stdout).error.code).toBe('NOT_AN_IMAGE');
    fs.rmSync(notImage);
    fs.rmSync(outsideRoi);
    fs.rmSync(emptyRoi);
    expect(snapshotTree(dir)).toEqual(snapshot);
  });

  it('exits 2 on bad usage', () => {
    for (const args of [
      ['--threshold', 'abc'],
      ['--threshold', '0.2', '--auto-threshold', 'otsu'],
      ['--auto-threshold', 'mean'],
      ['--tissue', 'maybe'],
      ['--stain-rgb', '300,1,1'],
      ['--white', '1,2'],
    ]) {
      const run = cli('analyze', beforePng, ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
    }
    expect(cli('analyze').code).toBe(2);
    expect(cli('compare', beforePng).code).toBe(2);
  });

  it.skipIf(!hasSharedData)(
    '--stain hed --channel dab --threshold 0.12 --tissue none agrees with scikit-image within 0.2 % (OS-2 ndpi)',
    () => {
      // scikit-image count from tests/integration/analysis-real-images.test.ts (same decoded pixels).
      const run = cli(
        'analyze',
        sharedImage('OS-2-ndpi_Ki67-DAB.ome.tif'),
        '--stain',
        'hed',
        '--channel',
        'dab',
        '--threshold',
        '0.12',
        '--tissue',
        'none',
        '--json',
      );
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(Math.abs(doc.stainedAreaPx - 506127) / (2202 * 2202)).toBeLessThan(0.002);
      expect(doc.image.umPerPx).toBeCloseTo(0.2271, 4);
    },
  );

  it('uses a stain preset calibrated and saved in a study (--study DIR --stain NAME)', async () => {
    const studyDir = path.join(dir, 'study');
    const services = createServices({ studyDir });
    try {
      await services.createStudy({ name: 'Presets' });
      const subject = await services.addSubject({ code: 'S01' });
      const timepoint = await services.addTimepoint({
        subjectId: subject.id,
        label: 'before',
        session: 0,
        date: null,
      });
      const image = (await services.importFiles(timepoint.id, [{ path: beforePng, fileName: 'before.png' }]))
        .imported[0]!;
      await services.calibrateStain({
        imageId: image.id,
        method: 'region',
        region: {
          include: [[[0, 0, 300, 0, 300, 200, 0, 200]]],
          exclude: [],
          includeMasks: [],
          excludeMasks: [],
        },
        saveAs: 'lab-stain',
      });
    } finally {
      services.close();
    }
    const run = cli('analyze', afterPng, '--study', studyDir, '--stain', 'lab-stain', '--json');
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.params.stain.preset).toBe('lab-stain');
    expect(doc.params.stain.names[0]).toBe('lab-stain');
    const unknown = cli('analyze', afterPng, '--study', studyDir, '--stain', 'other');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown stain preset "other"/);
  });
});
