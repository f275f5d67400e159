import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeImageFile,
  sha256OfFile,
  type AnalysisProgress,
} from '../../main/services/analysis/analyze-file';
import { UserError } from '../../main/services/errors';
import { findPreset } from '../../shared/analysis/presets';
import type { AnalysisProtocolInput } from '../../shared/analysis/protocol';
import { makeSlide, randomBlobs, type Slide, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { makeTempDir, snapshotTree } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];
const FIXED: AnalysisProtocolInput = { threshold: { method: 'fixed', od: 0.3 } };

const raw = (s: Slide) =>
  sharp(Buffer.from(s.rgb), { raw: { width: s.width, height: s.height, channels: 3 } });

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('analyzeImageFile: sharp decoding and worker threads', () => {
  const dir = makeTempDir('dermaquant-analysis-runner-');
  const slide = makeSlide({
    width: 420,
    height: 300,
    target: purple,
    counter: pink,
    blobs: randomBlobs(420, 300, 40, 9),
    noise: 2,
  });
  const png = path.join(dir, 'slide.png');
  const jpeg = path.join(dir, 'slide.jpg');

  beforeAll(async () => {
    ensureMainBuilt();
    await raw(slide).png().toFile(png);
    await raw(slide).jpeg({ quality: 92 }).toFile(jpeg);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('measures exactly the painted pixels of a PNG, and within 1 % on a JPEG', async () => {
    const result = await analyzeImageFile(png, FIXED);
    expect(result.measurement.stainedAreaPx).toBe(slide.truthCount);
    expect(result.measurement.analyzedAreaPx).toBe(slide.tissueCount);
    expect(result.image).toMatchObject({
      width: 420,
      height: 300,
      umPerPx: null,
      sha256: await sha256OfFile(png),
    });
    expect(result.algorithmVersion).toBe(result.params.algorithmVersion);
    const lossy = await analyzeImageFile(jpeg, FIXED);
    expect(Math.abs(lossy.measurement.stainedAreaPx - slide.truthCount) / slide.truthCount).toBeLessThan(
      0.01,
    );
    expect(Math.abs(lossy.measurement.analyzedAreaPx - slide.tissueCount) / slide.tissueCount).toBeLessThan(
      0.01,
    );
  });

  it('gives bit-identical results for 1, 2 and 3 workers and any band height', async () => {
    const protocol: AnalysisProtocolInput = {
      threshold: { method: 'triangle' },
      smoothing: { sigma: 1.3, unit: 'px' },
      minObjectArea: 12,
      maxHoleArea: 30,
      white: 'auto',
    };
    const region = {
      include: [[[10, 5, 400, 20, 380, 290, 30, 280]]],
      exclude: [[[100, 100, 160, 100, 160, 170]]],
    };
    const run = async (workers: number, bandRows?: number, stripRows?: number, file = png) => {
      const r = await analyzeImageFile(file, protocol, { workers, bandRows, region, stripRows });
      return JSON.stringify({ params: r.params, measurement: r.measurement });
    };
    const reference = await run(1);
    // 0 workers: the bands run in this thread, without shared memory; the same numbers again.
    for (const [workers, rows] of [
      [0, undefined],
      [0, 5],
      [2, undefined],
      [3, 1],
      [2, 7],
      [3, 64],
      [1, 300],
    ] as const) {
      expect(await run(workers, rows)).toBe(reference);
    }
    // Strip by strip (bounded memory): from a tiled TIFF of the same pixels, and from the PNG itself.
    const tiff = path.join(dir, 'slide-tiled.tif');
    await raw(slide).tiff({ tile: true, tileWidth: 64, tileHeight: 64, compression: 'lzw' }).toFile(tiff);
    for (const [workers, rows, strip, file] of [
      [0, 10, 40, tiff],
      [2, 7, 21, tiff],
      [1, 16, 16, tiff],
      [2, 13, 100, png],
    ] as const) {
      expect(await run(workers, rows, strip, file)).toBe(reference);
    }
  });

  it('handles 16-bit, grey, alpha and EXIF-rotated images', async () => {
    const bits16 = path.join(dir, 'slide16.png');
    await raw(slide).toColourspace('rgb16').png().toFile(bits16);
    expect((await sharp(bits16).metadata()).depth).toBe('ushort');
    expect((await analyzeImageFile(bits16, FIXED)).measurement.stainedAreaPx).toBe(slide.truthCount);

    const alpha = path.join(dir, 'alpha.png');
    await raw(slide).ensureAlpha(1).png().toFile(alpha);
    expect((await analyzeImageFile(alpha, FIXED)).measurement.stainedAreaPx).toBe(slide.truthCount);
    // Fully transparent pixels are empty slide (white), not black tissue.
    const clear = path.join(dir, 'clear.png');
    await raw(slide).ensureAlpha(0).png().toFile(clear);
    expect((await analyzeImageFile(clear, FIXED)).measurement.analyzedAreaPx).toBe(0);

    const grey = path.join(dir, 'grey.png');
    await raw(slide).toColourspace('b-w').png().toFile(grey);
    const greyResult = await analyzeImageFile(grey, { ...FIXED, stain: 'hed', channel: 'hematoxylin' });
    expect(greyResult.image.width).toBe(420);
    expect(greyResult.measurement.analyzedAreaPx).toBeGreaterThan(0);

    const rotated = path.join(dir, 'rotated.jpg');
    await raw(slide).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toFile(rotated);
    const turned = await analyzeImageFile(rotated, FIXED);
    expect([turned.image.width, turned.image.height]).toEqual([300, 420]);
    expect(Math.abs(turned.measurement.stainedAreaPx - slide.truthCount) / slide.truthCount).toBeLessThan(
      0.01,
    );
  });

  it('reports progress and can be cancelled', async () => {
    const seen: AnalysisProgress[] = [];
    await analyzeImageFile(png, FIXED, { bandRows: 16, onProgress: (p) => seen.push({ ...p }) });
    const analyse = seen.filter((p) => p.phase === 'analyse');
    expect(seen[0]?.phase).toBe('decode');
    expect(analyse.length).toBe(Math.ceil(300 / 16));
    expect(analyse.at(-1)).toEqual({ phase: 'analyse', done: 19, total: 19 });

    const early = new AbortController();
    early.abort();
    expect((await rejection(analyzeImageFile(png, FIXED, { signal: early.signal }))).code).toBe('CANCELLED');

    const midway = new AbortController();
    const err = await rejection(
      analyzeImageFile(
        png,
        { threshold: { method: 'otsu' } },
        {
          bandRows: 1,
          signal: midway.signal,
          onProgress: (p) => {
            if (p.phase === 'analyse' && p.done === 5) midway.abort();
          },
        },
      ),
    );
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toMatch(/slide\.png was cancelled/);
  });

  it('refuses bad input with a clear error and leaves the files untouched', async () => {
    const before = snapshotTree(dir);
    const hash = await sha256OfFile(png);
    const missing = await rejection(analyzeImageFile(path.join(dir, 'nope.png'), FIXED));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toMatch(/nope\.png does not exist/);

    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not an image');
    expect((await rejection(analyzeImageFile(text, FIXED))).code).toBe('NOT_AN_IMAGE');
    fs.rmSync(text);

    const truncated = path.join(dir, 'truncated.png');
    fs.writeFileSync(truncated, fs.readFileSync(png).subarray(0, 4000));
    expect((await rejection(analyzeImageFile(truncated, FIXED))).code).toBe('CORRUPT_IMAGE');
    fs.rmSync(truncated);

    const preset = await rejection(analyzeImageFile(png, { stain: 'sirius-red' }));
    expect(preset.code).toBe('INVALID_INPUT');
    expect(preset.message).toMatch(/Unknown stain preset "sirius-red"/);

    const parallel = await rejection(
      analyzeImageFile(png, {
        stainColours: [
          [120, 60, 160],
          [56, 14, 100], // the same stain twice as dense: 255 * (c / 255)^2, so the same OD direction
        ],
      }),
    );
    expect(parallel.message).toMatch(/parallel/);

    const outside = await rejection(
      analyzeImageFile(png, FIXED, {
        region: { include: [[[1000, 1000, 1100, 1000, 1100, 1100]]], exclude: [] },
      }),
    );
    expect(outside.code).toBe('INVALID_INPUT');
    expect(outside.message).toMatch(
      /slide\.png: The region of interest covers no pixel of the 420 x 300 image/,
    );

    expect(snapshotTree(dir)).toEqual(before);
    expect(await sha256OfFile(png)).toBe(hash);
  });
});
