import { describe, expect, it } from 'vitest';
import {
  estimateStainsMacenko,
  regionRowRange,
  stainFromRegion,
  symmetricEigen,
} from '../../shared/analysis/calibration';
import { findPreset } from '../../shared/analysis/presets';
import { angleDegrees, normalize } from '../../shared/analysis/stain-matrix';
import { makeSlide, mulberry32, type Vec3 } from '../helpers/beer-lambert';

const hed = findPreset('hed')!.stains;
const hema = normalize(hed[0]!.od);
const eosin = normalize(hed[1]!.od);
const asImage = (s: { rgb: Uint8Array; width: number; height: number }) => ({
  data: s.rgb,
  width: s.width,
  height: s.height,
  channels: 3,
});
const WHITE: [number, number, number] = [255, 255, 255];

describe('stain calibration from the image', () => {
  it('recovers a stain vector from a region of pure stain, ignoring near-white pixels', () => {
    const s = makeSlide({
      width: 120,
      height: 80,
      target: hema,
      counter: eosin,
      counterAmount: 0,
      tissue: 'full',
      blobs: [{ cx: 60, cy: 40, r: 25 }],
      noise: 1,
    });
    // A square around the blob: the white corners are left out of the mean.
    const region = { include: [[[30, 10, 90, 10, 90, 70, 30, 70]]], exclude: [] };
    const { od, pixels } = stainFromRegion(asImage(s), region, WHITE);
    expect(angleDegrees(od, hema)).toBeLessThan(0.5);
    expect(pixels).toBeGreaterThan(1800);
    expect(pixels).toBeLessThan(2100);
    // Decoding only the rows the region covers gives the same vector (large images are read that way).
    const range = regionRowRange(region, s.height);
    expect(range).toEqual({ top: 10, rows: 61 });
    const strip = {
      ...asImage(s),
      data: s.rgb.subarray(range.top * 120 * 3, (range.top + range.rows) * 120 * 3),
      firstRow: range.top,
    };
    expect(stainFromRegion(strip, region, WHITE)).toEqual({ od, pixels });
    const blank = { include: [[[0, 0, 5, 0, 5, 5, 0, 5]]], exclude: [] };
    expect(() => stainFromRegion(asImage(s), blank, WHITE)).toThrow(/no stained pixel/);
  });

  it('estimates two stains Macenko-style from pixels mixing them', () => {
    const width = 200;
    const height = 150;
    const random = mulberry32(4);
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      // Each pixel holds its own mix of the two stains, as tissue does.
      const h = random() * 0.6;
      const e = random() * 0.6;
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(255 * 10 ** -(h * hema[c]! + e * eosin[c]!));
    }
    const estimate = estimateStainsMacenko({ data: rgb, width, height, channels: 3 }, null, WHITE);
    expect(angleDegrees(estimate.stains[0], hema)).toBeLessThan(4);
    expect(angleDegrees(estimate.stains[1], eosin)).toBeLessThan(4);
  });

  it('refuses an estimate from a single stain or from blank pixels', () => {
    const one = makeSlide({
      width: 80,
      height: 60,
      target: hema,
      counter: eosin,
      counterAmount: 0,
      tissue: 'full',
      blobs: [{ cx: 40, cy: 30, r: 100 }],
      targetAmount: 0.5,
      noise: 0,
    });
    expect(() => estimateStainsMacenko(asImage(one), null, WHITE)).toThrow(/only one stain|Too few/);
    const blank = makeSlide({
      width: 80,
      height: 60,
      target: hema,
      counter: eosin,
      tissue: 'none',
      blobs: [],
    });
    expect(() => estimateStainsMacenko(asImage(blank), null, WHITE)).toThrow(/Too few stained/);
  });

  it('diagonalises a symmetric matrix', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1, 0],
      [1, 2, 0],
      [0, 0, 5],
    ]);
    expect(values.map((v) => +v.toFixed(12))).toEqual([5, 3, 1]);
    expect(Math.abs(vectors[1]![0])).toBeCloseTo(Math.SQRT1_2, 12);
    const v: Vec3 = vectors[0]!;
    expect(Math.abs(v[2])).toBeCloseTo(1, 12);
  });
});
