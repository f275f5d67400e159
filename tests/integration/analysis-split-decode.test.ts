import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToSharedPixels, probeForAnalysis } from '../../main/services/analysis/decode-pixels';
import { RowMirror } from '../../main/services/analysis/row-mirror';
import { SplitDecodeExecutor, splitRowFor } from '../../main/services/analysis/split-decode-executor';
import { AnalysisWorkerPool } from '../../main/services/analysis/worker-pool';
import { haloRows } from '../../shared/analysis/kernel';
import { measureStain, precheck } from '../../shared/analysis/measure';
import { parseProtocol } from '../../shared/analysis/protocol';
import { findPreset } from '../../shared/analysis/presets';
import { makeSlide, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { makeTempDir } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];

describe('decoding as two row ranges at once (SplitDecodeExecutor)', () => {
  const dir = makeTempDir('dermaquant-split-decode-');
  const slide = makeSlide({
    width: 300,
    height: 211,
    target: purple,
    counter: pink,
    blobs: randomBlobs(300, 211, 30, 4),
    noise: 2,
  });
  const raw = () => sharp(Buffer.from(slide.rgb), { raw: { width: 300, height: 211, channels: 3 } });
  const png = path.join(dir, 'slide.png');
  const jpeg = path.join(dir, 'slide.jpg');
  let pool: AnalysisWorkerPool;

  beforeAll(async () => {
    ensureMainBuilt();
    await raw().png().toFile(png);
    await raw().jpeg({ quality: 90 }).toFile(jpeg);
    pool = new AnalysisWorkerPool(2);
  }, 120_000);
  afterAll(async () => {
    await pool.terminate();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cuts on a band boundary about half-way, or not at all for a single band', () => {
    expect(splitRowFor(211, 10)).toBe(110);
    expect(splitRowFor(300, 300)).toBeNull();
    expect(splitRowFor(1, 8)).toBeNull();
  });

  it('copies into shared memory only the rows asked for', async () => {
    const probed = await probeForAnalysis(png, 1e10);
    const pixels = await decodeToSharedPixels(png, probed, 1e10, false, { top: 50, rows: 100 });
    const mirror = new RowMirror(pixels);
    const rowBytes = 300 * 3;
    mirror.ensureRows(40, 60); // clamped to the rows held: 50..59
    mirror.ensureRows(55, 70);
    const shared = mirror.shared.data;
    expect(mirror.shared.firstRow).toBe(50);
    expect(Buffer.from(shared.subarray(0, 20 * rowBytes))).toEqual(
      Buffer.from(pixels.data.subarray(0, 20 * rowBytes)),
    );
    expect(shared.subarray(20 * rowBytes).every((v) => v === 0)).toBe(true);
  });

  it.each([
    ['PNG', png],
    ['JPEG', jpeg],
  ])('gives the numbers of the whole image, with and without workers (%s)', async (_name, file) => {
    const protocol = parseProtocol({
      threshold: { method: 'otsu' },
      smoothing: { sigma: 2, unit: 'px' },
      minObjectArea: 10,
      maxHoleArea: 25,
      white: 'auto',
    });
    const probed = await probeForAnalysis(file, 1e10);
    const geometry = { width: probed.width, height: probed.height, umPerPx: null };
    const halo = haloRows(precheck(protocol, geometry, null));
    expect(halo).toBeGreaterThan(0);
    const run = async (withPool: boolean, bandRows: number, cut: boolean) => {
      const executor = new SplitDecodeExecutor(
        withPool ? pool : null,
        probed.height,
        cut ? splitRowFor(probed.height, bandRows) : null,
        halo,
        (range) => decodeToSharedPixels(file, probed, 1e10, false, range),
      );
      const outcome = await measureStain(executor, geometry, protocol, null, { bandRows });
      return JSON.stringify(outcome);
    };
    const whole = await run(false, 211, false);
    for (const [withPool, bandRows] of [
      [false, 10],
      [true, 10],
      [true, 3],
      [false, 64],
    ] as const) {
      expect(await run(withPool, bandRows, true)).toBe(whole);
    }
  });

  it('refuses a halo wider than the ranges were decoded with', async () => {
    const probed = await probeForAnalysis(png, 1e10);
    const geometry = { width: probed.width, height: probed.height, umPerPx: null };
    const protocol = parseProtocol({ smoothing: { sigma: 2, unit: 'px' } });
    const executor = new SplitDecodeExecutor(null, probed.height, 110, 0, (range) =>
      decodeToSharedPixels(png, probed, 1e10, false, range),
    );
    await expect(measureStain(executor, geometry, protocol, null, { bandRows: 10 })).rejects.toThrow(/halo/);
  });
});
