/**
 * Point-in-polygon tests. A point exactly on an edge may fall on either side: callers that need a
 * decision on the boundary (pixel centres against integer outlines) get the same answer as the
 * half-open crossing rule used by the rasteriser, because both count an edge when y0 <= py < y1.
 */
import type { MultiPolygon, Polygon } from './types';

/** Even-odd crossing test of a point against one closed ring. */
export function pointInRing(px: number, py: number, ring: readonly number[]): boolean {
  const n = ring.length >> 1;
  let inside = false;
  let x0 = ring[2 * (n - 1)];
  let y0 = ring[2 * (n - 1) + 1];
  for (let i = 0; i < n; i++) {
    const x1 = ring[2 * i];
    const y1 = ring[2 * i + 1];
    if (y0 > py !== y1 > py) {
      const xCross = x0 + ((py - y0) * (x1 - x0)) / (y1 - y0);
      if (px < xCross) inside = !inside;
    }
    x0 = x1;
    y0 = y1;
  }
  return inside;
}

/**
 * Winding number of a closed ring around a point: how many times the ring turns around it, signed by
 * direction (positive for clockwise on screen, y down). Zero outside, +-1 inside a simple ring.
 */
export function windingNumber(px: number, py: number, ring: readonly number[]): number {
  const n = ring.length >> 1;
  let winding = 0;
  let x0 = ring[2 * (n - 1)];
  let y0 = ring[2 * (n - 1) + 1];
  for (let i = 0; i < n; i++) {
    const x1 = ring[2 * i];
    const y1 = ring[2 * i + 1];
    const side = (x1 - x0) * (py - y0) - (px - x0) * (y1 - y0);
    if (y0 <= py) {
      if (y1 > py && side > 0) winding++;
    } else if (y1 <= py && side < 0) {
      winding--;
    }
    x0 = x1;
    y0 = y1;
  }
  return winding;
}

/** Inside the outer ring and outside every hole. */
export const pointInPolygon = (px: number, py: number, polygon: Polygon): boolean =>
  pointInRing(px, py, polygon.outer) && !polygon.holes.some((hole) => pointInRing(px, py, hole));

export const pointInMultiPolygon = (px: number, py: number, parts: MultiPolygon): boolean =>
  parts.some((part) => pointInPolygon(px, py, part));
