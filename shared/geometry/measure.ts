/**
 * Areas, perimeters and bounds of flat-point rings and polygons (image pixels).
 */
import type { BBox, MultiPolygon, Polygon, Ring } from './types';

/**
 * Signed shoelace area of a ring. Positive when the ring turns clockwise on screen (y down), i.e.
 * counter-clockwise in the usual y-up convention. Coordinates are taken relative to the first point so
 * that rings far from the origin (slide coordinates in the tens of thousands) keep their precision.
 */
export function signedRingArea(ring: readonly number[]): number {
  const n = ring.length >> 1;
  if (n < 3) return 0;
  const ox = ring[0];
  const oy = ring[1];
  let twice = 0;
  let px = ring[2 * (n - 1)] - ox;
  let py = ring[2 * (n - 1) + 1] - oy;
  for (let i = 0; i < n; i++) {
    const x = ring[2 * i] - ox;
    const y = ring[2 * i + 1] - oy;
    twice += px * y - x * py;
    px = x;
    py = y;
  }
  return twice / 2;
}

export const ringArea = (ring: readonly number[]): number => Math.abs(signedRingArea(ring));

/** Area of the outer ring minus its holes (holes are assumed inside the outer ring and disjoint). */
export const polygonArea = (polygon: Polygon): number =>
  Math.max(
    0,
    polygon.holes.reduce((area, hole) => area - ringArea(hole), ringArea(polygon.outer)),
  );

/** Sum of the parts' areas (the parts of a MultiPolygon do not overlap). */
export const multiPolygonArea = (parts: MultiPolygon): number =>
  parts.reduce((sum, part) => sum + polygonArea(part), 0);

/** Length of the closed ring, including the implied closing edge. */
export function ringPerimeter(ring: readonly number[]): number {
  const n = ring.length >> 1;
  if (n < 2) return 0;
  let length = 0;
  let px = ring[2 * (n - 1)];
  let py = ring[2 * (n - 1) + 1];
  for (let i = 0; i < n; i++) {
    const x = ring[2 * i];
    const y = ring[2 * i + 1];
    length += Math.hypot(x - px, y - py);
    px = x;
    py = y;
  }
  return length;
}

/** Length of an open polyline (no closing edge), e.g. a calibration line along a scale bar. */
export function polylineLength(points: readonly number[]): number {
  let length = 0;
  for (let i = 2; i + 1 < points.length; i += 2) {
    length += Math.hypot(points[i] - points[i - 2], points[i + 1] - points[i - 1]);
  }
  return length;
}

/** Boundary length of a polygon, holes included (QuPath's perimeter counts hole boundaries too). */
export const polygonPerimeter = (polygon: Polygon): number =>
  polygon.holes.reduce((sum, hole) => sum + ringPerimeter(hole), ringPerimeter(polygon.outer));

export const multiPolygonPerimeter = (parts: MultiPolygon): number =>
  parts.reduce((sum, part) => sum + polygonPerimeter(part), 0);

/** Bounds of a flat point array; null when it holds no point. */
export function pointsBBox(points: readonly number[]): BBox | null {
  if (points.length < 2) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** Union of two bounds, either of which may be null. */
export function unionBBox(a: BBox | null, b: BBox | null): BBox | null {
  if (!a) return b;
  if (!b) return a;
  return {
    minX: Math.min(a.minX, b.minX),
    minY: Math.min(a.minY, b.minY),
    maxX: Math.max(a.maxX, b.maxX),
    maxY: Math.max(a.maxY, b.maxY),
  };
}

/** Bounds of a multipolygon: the outer rings bound everything, holes lie inside them. */
export const multiPolygonBBox = (parts: MultiPolygon): BBox | null =>
  parts.reduce<BBox | null>((box, part) => unionBBox(box, pointsBBox(part.outer)), null);

export const bboxIntersects = (a: BBox, b: BBox): boolean =>
  a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;

/**
 * The ring in canonical form: the GeoJSON-style repeated closing point and consecutive duplicate
 * points removed. Returns a new array.
 */
export function normaliseRing(ring: readonly number[]): Ring {
  const out: number[] = [];
  for (let i = 0; i + 1 < ring.length; i += 2) {
    const x = ring[i];
    const y = ring[i + 1];
    const n = out.length;
    if (n >= 2 && out[n - 2] === x && out[n - 1] === y) continue;
    out.push(x, y);
  }
  while (out.length >= 4 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1]) {
    out.length -= 2;
  }
  return out;
}

/** Reverses the point order (flips orientation), returning a new array. */
export function reverseRing(ring: readonly number[]): Ring {
  const out = new Array<number>(ring.length);
  const n = ring.length >> 1;
  for (let i = 0; i < n; i++) {
    out[2 * i] = ring[2 * (n - 1 - i)];
    out[2 * i + 1] = ring[2 * (n - 1 - i) + 1];
  }
  return out;
}
