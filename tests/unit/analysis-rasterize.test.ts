import { describe, expect, it } from 'vitest';
import {
  mergeSpans,
  PolygonRasterizer,
  rasterizedArea,
  rasterizePolygons,
  subtractSpans,
} from '../../shared/geometry/rasterize';
import { regionPixelCount, RegionRows } from '../../shared/analysis/region';

const rect = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];

describe('polygon rasterisation (pixel centres, even-odd rings, union of polygons)', () => {
  it('covers exactly w x h pixels for a rectangle with integer corners, clipped to the image', () => {
    expect(rasterizedArea([[rect(2, 3, 12, 8)]], 20, 20)).toBe(50);
    const mask = rasterizePolygons([[rect(2, 3, 12, 8)]], 20, 20);
    expect(mask[3 * 20 + 2]).toBe(1);
    expect(mask[3 * 20 + 12]).toBe(0);
    expect(mask[2 * 20 + 2]).toBe(0);
    expect(mask[7 * 20 + 11]).toBe(1);
    // Half outside the image: only the inside part counts.
    expect(rasterizedArea([[rect(-5, -5, 5, 5)]], 20, 20)).toBe(25);
    expect(rasterizedArea([[rect(30, 30, 40, 40)]], 20, 20)).toBe(0);
  });

  it('subtracts holes whatever their winding, and keeps GeoJSON closing points harmless', () => {
    const outer = [0, 0, 10, 0, 10, 10, 0, 10, 0, 0]; // closed ring, first point repeated
    const holeSameWinding = rect(2, 2, 5, 5);
    const holeReversed = [6, 6, 6, 9, 9, 9, 9, 6];
    expect(rasterizedArea([[outer, holeSameWinding, holeReversed]], 10, 10)).toBe(100 - 9 - 9);
  });

  it('unions overlapping polygons instead of cancelling them', () => {
    expect(rasterizedArea([[rect(0, 0, 6, 6)], [rect(3, 3, 9, 9)]], 10, 10)).toBe(36 + 36 - 9);
  });

  it('counts a pixel when its centre is inside (triangle, hand count)', () => {
    // Right triangle (0,0) (4,0) (0,4): centres with x + y + 1 < 4 are inside (3 + 2 + 1 = 6 pixels);
    // the 4 centres exactly on the hypotenuse lie on a right-hand edge, outside by the half-open rule.
    const mask = rasterizePolygons([[[0, 0, 4, 0, 0, 4]]], 4, 4);
    const count = mask.reduce((a, b) => a + b, 0);
    expect(count).toBe(6);
    expect(Array.from(mask.subarray(0, 4))).toEqual([1, 1, 1, 0]);
  });

  it('agrees with the analytic area within 0.5 % for a large circle', () => {
    const ring: number[] = [];
    for (let i = 0; i < 720; i++)
      ring.push(500 + 400 * Math.cos((i * Math.PI) / 360), 500 + 400 * Math.sin((i * Math.PI) / 360));
    const polygonArea = 0.5 * 720 * 400 * 400 * Math.sin((2 * Math.PI) / 720);
    const area = rasterizedArea([[ring]], 1000, 1000);
    expect(Math.abs(area - polygonArea) / polygonArea).toBeLessThan(0.005);
  });

  it('gives the same row spans when a band of rows is rasterised on its own', () => {
    const ring = [3.2, 1.7, 40.9, 5.5, 33.3, 47.1, 8.8, 30.4, 20, 20];
    const whole = new PolygonRasterizer([[ring]], 0, 50);
    const band = new PolygonRasterizer([[ring]], 20, 30);
    for (let y = 20; y < 30; y++) expect(band.rowSpans(y, 50)).toEqual(whole.rowSpans(y, 50));
  });

  it('merges and subtracts spans', () => {
    expect(mergeSpans([5, 8, 0, 2, 1, 4, 8, 9])).toEqual([0, 4, 5, 9]);
    expect(subtractSpans([0, 10, 20, 30], [2, 4, 8, 22, 25, 26])).toEqual([0, 2, 4, 8, 22, 25, 26, 30]);
    expect(subtractSpans([0, 10], [])).toEqual([0, 10]);
    expect(subtractSpans([0, 10], [0, 10])).toEqual([]);
  });
});

describe('analysis region: ROI minus exclusions', () => {
  it('subtracts exclusions from the ROI, or from the whole image without an ROI', () => {
    const region = { include: [[rect(0, 0, 10, 10)]], exclude: [[rect(5, 5, 15, 15)]] };
    expect(regionPixelCount(region, 20, 20)).toBe(100 - 25);
    expect(regionPixelCount({ include: null, exclude: [[rect(0, 0, 4, 5)]] }, 20, 20)).toBe(400 - 20);
    expect(new RegionRows(region, 20, 6, 7).spans(6)).toEqual([0, 5]);
    expect(regionPixelCount({ include: [[rect(100, 100, 110, 110)]], exclude: [] }, 20, 20)).toBe(0);
  });
});
