import { describe, expect, it } from 'vitest';
import { AnalysisRegionInput } from '../../shared/analysis/api-schemas';
import { regionRowRange } from '../../shared/analysis/calibration';
import { MaskRasterizer } from '../../shared/analysis/mask-rows';
import { regionPixelCount, RegionRows, type AnalysisRegion } from '../../shared/analysis/region';
import { encodeRuns } from '../../shared/annotations/rle';
import type { EncodedMask } from '../../shared/annotations/types';

const rect = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];

/** An EncodedMask from rows of '#' (set) and '.' (clear) mask pixels. */
function maskOf(rows: string[], left: number, top: number, scale: number): EncodedMask {
  const width = rows[0]!.length;
  const bits = rows
    .join('')
    .split('')
    .map((c) => (c === '#' ? 1 : 0));
  return { scale, left, top, width, height: rows.length, counts: encodeRuns(bits) };
}

/** The region as a whole-image 0/1 bitmap, from RegionRows over the rows [first, end). */
function bitmap(region: AnalysisRegion, width: number, height: number, first = 0, end = height): Uint8Array {
  const out = new Uint8Array(width * height);
  const rows = new RegionRows(region, width, first, end);
  for (let y = first; y < end; y++) {
    const spans = rows.spans(y);
    for (let i = 0; i < spans.length; i += 2) out.fill(1, y * width + spans[i]!, y * width + spans[i + 1]!);
  }
  return out;
}

/** Reference: mask pixel (i, j) at scale s sets image pixels [i*s, (i+1)*s) x [j*s, (j+1)*s) by hand. */
function paintByHand(out: Uint8Array, width: number, height: number, mask: EncodedMask, value: 0 | 1): void {
  let at = 0;
  for (let k = 0; k < mask.counts.length; k++) {
    for (let p = at; p < at + mask.counts[k]!; p++) {
      if (k % 2 === 0) continue;
      const i = mask.left + (p % mask.width);
      const j = mask.top + Math.floor(p / mask.width);
      for (let y = j * mask.scale; y < (j + 1) * mask.scale; y++) {
        for (let x = i * mask.scale; x < (i + 1) * mask.scale; x++) {
          if (x < width && y < height) out[y * width + x] = value;
        }
      }
    }
    at += mask.counts[k]!;
  }
}

describe('painted masks as row spans', () => {
  it('maps a scale-1 mask pixel for pixel, runs crossing rows included', () => {
    // Runs here cross the rows of the bounding box (row-major RLE): rows 1-2 join into one run.
    const mask = maskOf(['#..#', '...#', '##..'], 3, 2, 1);
    const masks = new MaskRasterizer([mask]);
    expect(masks.rowSpans(1, 20)).toEqual([]);
    expect(masks.rowSpans(2, 20)).toEqual([3, 4, 6, 7]);
    expect(masks.rowSpans(3, 20)).toEqual([6, 7]);
    expect(masks.rowSpans(4, 20)).toEqual([3, 5]);
    expect(masks.rowSpans(5, 20)).toEqual([]);
    expect(regionPixelCount({ include: null, exclude: [], includeMasks: [mask] }, 20, 10)).toBe(5);
  });

  it('covers [i*4, (i+1)*4) x [j*4, (j+1)*4) per mask pixel at scale 4', () => {
    const mask = maskOf(['#.#', '.##'], 1, 1, 4);
    const masks = new MaskRasterizer([mask]);
    for (let y = 0; y < 4; y++) expect(masks.rowSpans(y, 40)).toEqual([]);
    for (let y = 4; y < 8; y++) expect(masks.rowSpans(y, 40)).toEqual([4, 8, 12, 16]);
    for (let y = 8; y < 12; y++) expect(masks.rowSpans(y, 40)).toEqual([8, 16]);
    expect(masks.rowSpans(12, 40)).toEqual([]);
    const region: AnalysisRegion = { include: null, exclude: [], includeMasks: [mask] };
    const expected = new Uint8Array(40 * 20);
    paintByHand(expected, 40, 20, mask, 1);
    expect(bitmap(region, 40, 20)).toEqual(expected);
    expect(regionPixelCount(region, 40, 20)).toBe(4 * 16);
  });

  it('clips mask pixels that reach past the right and bottom edges of the image', () => {
    // 3 x 2 mask pixels of 4 x 4 from (8, 4): image pixels [8, 20) x [4, 12) in a 10 x 10 image.
    const mask = maskOf(['###', '###'], 2, 1, 4);
    const region: AnalysisRegion = { include: null, exclude: [], includeMasks: [mask] };
    expect(new RegionRows(region, 10, 0, 10).spans(9)).toEqual([8, 10]);
    expect(regionPixelCount(region, 10, 10)).toBe(2 * 6);
    // Entirely outside: no pixel, so an ROI made of it covers nothing.
    const outside = maskOf(['#'], 10, 10, 4);
    expect(regionPixelCount({ include: null, exclude: [], includeMasks: [outside] }, 10, 10)).toBe(0);
  });

  it('unions ROI masks with ROI polygons and subtracts exclusion masks and polygons', () => {
    const width = 48;
    const height = 40;
    const roiMask = maskOf(['##..', '####', '.#..'], 2, 3, 4); // image [8, 24) x [12, 24)
    const cutMask = maskOf(['#.', '##'], 3, 1, 6); // image [18, 30) x [6, 18)
    const region: AnalysisRegion = {
      include: [[rect(0, 0, 12, 14)]],
      exclude: [[rect(20, 20, 22, 22)]],
      includeMasks: [roiMask],
      excludeMasks: [cutMask],
    };
    const expected = new Uint8Array(width * height);
    for (let y = 0; y < 14; y++) expected.fill(1, y * width, y * width + 12);
    paintByHand(expected, width, height, roiMask, 1);
    paintByHand(expected, width, height, cutMask, 0);
    for (let y = 20; y < 22; y++) expected.fill(0, y * width + 20, y * width + 22);
    const whole = bitmap(region, width, height);
    expect(whole).toEqual(expected);
    expect(regionPixelCount(region, width, height)).toBe(expected.reduce((a, b) => a + b, 0));
    // Rows rasterised in bands (as the workers do) give bit for bit the whole-image result.
    const banded = new Uint8Array(width * height);
    for (const [first, end] of [
      [0, 5],
      [5, 13],
      [13, 14],
      [14, 40],
    ] as const) {
      const part = bitmap(region, width, height, first, end);
      for (let p = first * width; p < end * width; p++) banded[p] = part[p]!;
    }
    expect(banded).toEqual(whole);
  });

  it('keeps the whole image minus an exclusion mask when no ROI is given', () => {
    const cut = maskOf(['##', '#.'], 0, 0, 4);
    expect(regionPixelCount({ include: null, exclude: [], excludeMasks: [cut] }, 10, 10)).toBe(100 - 48);
  });

  it('samples mask squares at pixel centres in a downsampled preview', () => {
    // A scale-4 mask pixel at (1, 1) = image [4, 8) x [4, 8); at half size it is preview [2, 4) x [2, 4).
    const mask = maskOf(['#'], 1, 1, 4);
    const half: AnalysisRegion = {
      include: null,
      exclude: [],
      includeMasks: [mask],
      maskPixelFactor: { x: 0.5, y: 0.5 },
    };
    const expected = new Uint8Array(8 * 8);
    for (let y = 2; y < 4; y++) expected.fill(1, y * 8 + 2, y * 8 + 4);
    expect(bitmap(half, 8, 8)).toEqual(expected);
  });

  it('accepts masks in the API region input (defaults [] for both) and bounds calibration rows by them', () => {
    const parsed = AnalysisRegionInput.parse({ include: null });
    expect(parsed).toEqual({ include: null, exclude: [], includeMasks: [], excludeMasks: [] });
    const bad = AnalysisRegionInput.safeParse({
      include: null,
      includeMasks: [{ scale: 1, left: 0, top: 0, width: 2, height: 2, counts: [1, 1] }],
    });
    expect(bad.success).toBe(false);
    const mask = maskOf(['#'], 0, 5, 4);
    expect(regionRowRange({ include: null, exclude: [], includeMasks: [mask] }, 100)).toEqual({
      top: 20,
      rows: 5,
    });
  });
});
