/**
 * Clipping to the image rectangle (Sutherland-Hodgman). Shapes drawn partly outside the image keep only
 * the part inside it. Clipping keeps the winding number of every point inside the rectangle, so a
 * self-crossing ring may be clipped first and split (repair.ts) after. For a concave ring the result may contain zero-width "bridges" along the image
 * border where two inside parts are joined; they enclose no area, so areas and even-odd rasterisation are
 * unaffected, and the editor can split them if it ever needs separate parts.
 */
import { normaliseRing } from './measure';
import type { MultiPolygon, Polygon, Ring } from './types';

export interface ClipRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Inside = (x: number, y: number) => boolean;
type Cross = (ax: number, ay: number, bx: number, by: number) => [number, number];

function clipAgainstEdge(points: number[], inside: Inside, cross: Cross): number[] {
  const n = points.length >> 1;
  if (n === 0) return points;
  const out: number[] = [];
  let sx = points[2 * (n - 1)];
  let sy = points[2 * (n - 1) + 1];
  let sIn = inside(sx, sy);
  for (let i = 0; i < n; i++) {
    const ex = points[2 * i];
    const ey = points[2 * i + 1];
    const eIn = inside(ex, ey);
    if (eIn) {
      if (!sIn) out.push(...cross(sx, sy, ex, ey));
      out.push(ex, ey);
    } else if (sIn) {
      out.push(...cross(sx, sy, ex, ey));
    }
    sx = ex;
    sy = ey;
    sIn = eIn;
  }
  return out;
}

const atX =
  (x: number): Cross =>
  (ax, ay, bx, by) => [x, ay + ((x - ax) * (by - ay)) / (bx - ax)];
const atY =
  (y: number): Cross =>
  (ax, ay, bx, by) => [ax + ((y - ay) * (bx - ax)) / (by - ay), y];

/** The part of a ring inside the rectangle; an empty array when nothing of it is inside. */
export function clipRingToRect(ring: readonly number[], rect: ClipRect): Ring {
  const left = rect.x;
  const top = rect.y;
  const right = rect.x + rect.width;
  const bottom = rect.y + rect.height;
  let points = normaliseRing(ring);
  points = clipAgainstEdge(points, (x) => x >= left, atX(left));
  points = clipAgainstEdge(points, (x) => x <= right, atX(right));
  points = clipAgainstEdge(points, (_x, y) => y >= top, atY(top));
  points = clipAgainstEdge(points, (_x, y) => y <= bottom, atY(bottom));
  const clipped = normaliseRing(points);
  // No area test here: a self-crossing ring (a figure eight) has a signed area of 0 yet encloses area.
  // Degenerate leftovers (a shape hugging the image from outside) are for the caller's validation.
  return clipped.length >= 6 ? clipped : [];
}

/** Clips the outer ring and each hole; null when the polygon lies wholly outside. */
export function clipPolygonToRect(polygon: Polygon, rect: ClipRect): Polygon | null {
  const outer = clipRingToRect(polygon.outer, rect);
  if (outer.length === 0) return null;
  const holes = polygon.holes.map((hole) => clipRingToRect(hole, rect)).filter((hole) => hole.length > 0);
  return { outer, holes };
}

export const clipMultiPolygonToRect = (parts: MultiPolygon, rect: ClipRect): MultiPolygon =>
  parts.flatMap((part) => {
    const clipped = clipPolygonToRect(part, rect);
    return clipped ? [clipped] : [];
  });

/** The image rectangle in full-resolution pixels. */
export const imageRect = (width: number, height: number): ClipRect => ({ x: 0, y: 0, width, height });
