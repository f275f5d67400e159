import { describe, expect, it } from 'vitest';
import {
  multiPolygonArea,
  normaliseRing,
  pointsBBox,
  polygonArea,
  polygonPerimeter,
  polylineLength,
  reverseRing,
  ringArea,
  ringPerimeter,
  signedRingArea,
} from '../../shared/geometry/measure';
import { pointInPolygon, pointInRing, windingNumber } from '../../shared/geometry/contains';
import { clipPolygonToRect, clipRingToRect, imageRect } from '../../shared/geometry/clip';
import { ellipseInBoxToRing, ellipseToRing, rectangleToRing } from '../../shared/geometry/shapes';
import { simplifyPolyline, simplifyRing } from '../../shared/geometry/simplify';

const square = (x: number, y: number, size: number) => rectangleToRing(x, y, x + size, y + size);

describe('shoelace area and perimeter', () => {
  it('measures a square, a triangle and a polygon with holes', () => {
    expect(ringArea(square(0, 0, 10))).toBe(100);
    expect(ringArea([0, 0, 4, 0, 0, 3])).toBe(6);
    const withHoles = { outer: square(0, 0, 10), holes: [square(1, 1, 4), square(6, 6, 2)] };
    expect(polygonArea(withHoles)).toBe(100 - 16 - 4);
    expect(polygonPerimeter(withHoles)).toBe(40 + 16 + 8);
    expect(multiPolygonArea([withHoles, { outer: square(20, 20, 5), holes: [] }])).toBe(80 + 25);
  });

  it('gives the orientation by sign, clockwise on screen (y down) positive, and ignores it for the area', () => {
    const clockwiseOnScreen = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(signedRingArea(clockwiseOnScreen)).toBe(100);
    expect(signedRingArea(reverseRing(clockwiseOnScreen))).toBe(-100);
    expect(ringArea(reverseRing(clockwiseOnScreen))).toBe(100);
  });

  it('keeps precision far from the origin (whole-slide coordinates)', () => {
    const far = square(123456789, 98765432, 3);
    expect(ringArea(far)).toBe(9);
  });

  it('treats a repeated closing point (GeoJSON style) the same as an open ring', () => {
    const closed = [0, 0, 10, 0, 10, 10, 0, 10, 0, 0];
    expect(ringArea(closed)).toBe(100);
    expect(ringPerimeter(closed)).toBe(40);
    expect(normaliseRing([0, 0, 0, 0, 10, 0, 10, 10, 10, 10, 0, 0])).toEqual([0, 0, 10, 0, 10, 10]);
  });

  it('measures open polylines without a closing edge and bounds point arrays', () => {
    expect(polylineLength([0, 0, 3, 4, 3, 10])).toBe(11);
    expect(pointsBBox([5, 1, -2, 7, 3, 3])).toEqual({ minX: -2, minY: 1, maxX: 5, maxY: 7 });
    expect(pointsBBox([])).toBeNull();
  });
});

describe('point in polygon', () => {
  const withHole = { outer: square(0, 0, 10), holes: [square(4, 4, 2)] };

  it('separates inside, outside and the hole', () => {
    expect(pointInPolygon(1, 1, withHole)).toBe(true);
    expect(pointInPolygon(5, 5, withHole)).toBe(false);
    expect(pointInPolygon(11, 5, withHole)).toBe(false);
    expect(pointInRing(5, 5, [0, 0, 10, 0, 5, 10])).toBe(true);
    expect(pointInRing(1, 9, [0, 0, 10, 0, 5, 10])).toBe(false);
  });

  it('counts windings with the same sign as the shoelace area', () => {
    const ring = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(windingNumber(5, 5, ring)).toBe(1);
    expect(windingNumber(5, 5, reverseRing(ring))).toBe(-1);
    expect(windingNumber(15, 5, ring)).toBe(0);
    // Twice around the same square.
    expect(windingNumber(5, 5, [...ring, ...ring])).toBe(2);
  });
});

describe('clipping to the image rectangle', () => {
  const image = imageRect(100, 80);

  it('keeps the inside part of a shape drawn across the border', () => {
    const clipped = clipRingToRect(square(90, 70, 20), image);
    expect(ringArea(clipped)).toBe(100);
    expect(pointsBBox(clipped)).toEqual({ minX: 90, minY: 70, maxX: 100, maxY: 80 });
  });

  it('drops a shape wholly outside and leaves one wholly inside unchanged', () => {
    expect(clipRingToRect(square(200, 200, 5), image)).toEqual([]);
    expect(clipPolygonToRect({ outer: square(200, 200, 5), holes: [] }, image)).toBeNull();
    expect(clipRingToRect(square(10, 10, 5), image)).toEqual(square(10, 10, 5));
  });

  it('clips a concave shape and its holes with the right area', () => {
    // A U shape whose two arms stick out of the top of the image.
    const u = [10, -20, 20, -20, 20, 30, 40, 30, 40, -20, 50, -20, 50, 40, 10, 40];
    expect(ringArea(clipRingToRect(u, image))).toBe(40 * 40 - 20 * 30);
    const clipped = clipPolygonToRect(
      { outer: square(-10, -10, 50), holes: [square(-5, -5, 10), square(20, 20, 5)] },
      image,
    );
    expect(clipped && polygonArea(clipped)).toBe(40 * 40 - 25 - 25);
  });
});

describe('rectangles and ellipses', () => {
  it('builds rectangles from corners dragged in any direction', () => {
    expect(rectangleToRing(10, 20, 0, 0)).toEqual([0, 0, 10, 0, 10, 20, 0, 20]);
    expect(ringArea(rectangleToRing(30, 5, 10, 25))).toBe(400);
  });

  it('gives ellipses the exact ellipse area and stays within the tolerance of the curve', () => {
    for (const [rx, ry] of [
      [5, 3],
      [100, 40],
      [2500, 1800],
    ]) {
      const ring = ellipseToRing({ cx: 300, cy: 200, rx, ry, rotation: 0.3, tolerance: 0.2 });
      expect(ringArea(ring) / (Math.PI * rx * ry)).toBeCloseTo(1, 12);
      // Every vertex lies within 0.2 px of the true ellipse (measured along the radius).
      for (let i = 0; i < ring.length; i += 2) {
        const dx = ring[i] - 300;
        const dy = ring[i + 1] - 200;
        const u = dx * Math.cos(0.3) + dy * Math.sin(0.3);
        const v = -dx * Math.sin(0.3) + dy * Math.cos(0.3);
        const scale = Math.sqrt((u / rx) ** 2 + (v / ry) ** 2);
        expect(Math.hypot(u, v) * (1 - 1 / scale)).toBeLessThan(0.2);
      }
    }
    expect(ellipseToRing({ cx: 0, cy: 0, rx: 0, ry: 5 })).toEqual([]);
    expect(ringArea(ellipseInBoxToRing(0, 0, 20, 10)) / (Math.PI * 50)).toBeCloseTo(1, 12);
  });
});

describe('Ramer-Douglas-Peucker simplification', () => {
  // A wavy freehand stroke: a sine with small jitter, sampled every 0.5 px.
  const stroke: number[] = [];
  for (let i = 0; i <= 400; i++) stroke.push(i * 0.5, 20 * Math.sin(i / 40) + 0.1 * Math.sin(i * 7.3));

  const distanceToPolyline = (px: number, py: number, line: number[]) => {
    let best = Infinity;
    for (let i = 0; i + 3 < line.length; i += 2) {
      const [ax, ay, bx, by] = line.slice(i, i + 4);
      const t = Math.max(
        0,
        Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
      );
      best = Math.min(best, Math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay)));
    }
    return best;
  };

  it('drops most points of a stroke while staying within the tolerance', () => {
    const simplified = simplifyPolyline(stroke, 0.5);
    expect(simplified.length).toBeLessThan(stroke.length / 5);
    expect(simplified.slice(0, 2)).toEqual(stroke.slice(0, 2));
    expect(simplified.slice(-2)).toEqual(stroke.slice(-2));
    for (let i = 0; i < stroke.length; i += 2) {
      expect(distanceToPolyline(stroke[i], stroke[i + 1], simplified)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });

  it('simplifies closed rings, keeping their area and at least a triangle', () => {
    const circle = ellipseToRing({ cx: 0, cy: 0, rx: 100, ry: 100, tolerance: 0.01 });
    const simplified = simplifyRing(circle, 1);
    expect(simplified.length).toBeLessThan(circle.length / 4);
    expect(Math.abs(ringArea(simplified) - ringArea(circle)) / ringArea(circle)).toBeLessThan(0.02);
    const sliver = [0, 0, 50, 0.01, 100, 0, 50, -0.01];
    expect(simplifyRing(sliver, 1).length).toBe(6);
  });
});
