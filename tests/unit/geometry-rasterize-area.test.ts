/**
 * The shoelace area of a shape and the pixel count of its rasterisation (shared/geometry/rasterize.ts,
 * pixel centres inside) must agree: the editor shows the first live, the analysis counts the second.
 */
import { describe, expect, it } from 'vitest';
import { rasterizedArea } from '../../shared/geometry/rasterize';
import { polygonArea, ringArea } from '../../shared/geometry/measure';
import { ellipseToRing, rectangleToRing } from '../../shared/geometry/shapes';
import { repairRing } from '../../shared/geometry/repair';
import type { Polygon } from '../../shared/geometry/types';

const W = 4000;
const H = 3000;
const relativeGap = (polygon: Polygon) => {
  const raster = rasterizedArea([[polygon.outer, ...polygon.holes]], W, H);
  return Math.abs(raster - polygonArea(polygon)) / polygonArea(polygon);
};

describe('rasterised area against the shoelace area', () => {
  it('matches exactly for rectangles with integer corners', () => {
    expect(rasterizedArea([[rectangleToRing(10, 20, 310, 220)]], W, H)).toBe(300 * 200);
  });

  it('matches within 0.5 % for large ellipses, rotated and with holes', () => {
    for (const [rx, ry, rotation] of [
      [100, 60, 0],
      [400, 150, 0.7],
      [1200, 900, 2.1],
    ]) {
      const outer = ellipseToRing({ cx: 2000, cy: 1500, rx, ry, rotation });
      const hole = ellipseToRing({ cx: 2000, cy: 1500, rx: rx / 3, ry: ry / 3, rotation });
      expect(relativeGap({ outer, holes: [] })).toBeLessThan(0.005);
      expect(relativeGap({ outer, holes: [hole] })).toBeLessThan(0.005);
    }
  });

  it('matches within 0.5 % for large irregular outlines, freehand-like and repaired ones', () => {
    let seed = 77;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 10; trial++) {
      // A wobbly closed stroke of 400 points around a centre, radius 300-700 px.
      const ring: number[] = [];
      const phase = random() * 6;
      for (let i = 0; i < 400; i++) {
        const a = (2 * Math.PI * i) / 400;
        const r = 500 + 150 * Math.sin(3 * a + phase) + 50 * Math.sin(11 * a) + 10 * random();
        ring.push(2000 + r * Math.cos(a), 1500 + r * Math.sin(a));
      }
      expect(relativeGap({ outer: ring, holes: [] })).toBeLessThan(0.005);
    }
    // A large figure eight, split by the repair: both lobes count.
    const eight = [1000, 1000, 2000, 2000, 2000, 1000, 1000, 2000];
    const parts = repairRing(eight).parts;
    const raster = rasterizedArea(
      parts.map((p) => [p.outer, ...p.holes]),
      W,
      H,
    );
    expect(Math.abs(raster - 500_000) / 500_000).toBeLessThan(0.005);
    expect(ringArea(eight)).toBe(0);
  });
});
