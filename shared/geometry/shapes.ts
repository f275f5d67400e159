/**
 * Rectangles and ellipses as rings, so every vector shape is stored, measured and rasterised the same
 * way: as flat points in image pixels.
 */
import type { Ring } from './types';

/**
 * The rectangle spanned by two corners, in either drag direction, as a clockwise (on screen) ring
 * starting at the top-left corner.
 */
export function rectangleToRing(x0: number, y0: number, x1: number, y1: number): Ring {
  const left = Math.min(x0, x1);
  const right = Math.max(x0, x1);
  const top = Math.min(y0, y1);
  const bottom = Math.max(y0, y1);
  return [left, top, right, top, right, bottom, left, bottom];
}

export interface EllipseSpec {
  cx: number;
  cy: number;
  /** Semi-axis along the (rotated) x direction, image pixels. */
  rx: number;
  /** Semi-axis along the (rotated) y direction, image pixels. */
  ry: number;
  /** Rotation of the rx axis from the image x axis, radians, clockwise on screen (y down). */
  rotation?: number;
  /** Largest allowed gap between the true curve and a polygon edge, image pixels (default 0.2). */
  tolerance?: number;
}

const MIN_SEGMENTS = 16;
const MAX_SEGMENTS = 8192;

/** Segments needed so that no edge strays more than `tolerance` px from a circle of this radius. */
export function segmentsForRadius(radius: number, tolerance = 0.2): number {
  if (!(radius > tolerance)) return MIN_SEGMENTS;
  const n = Math.ceil(Math.PI / Math.acos(1 - tolerance / radius));
  return Math.min(MAX_SEGMENTS, Math.max(MIN_SEGMENTS, n));
}

/**
 * An ellipse as a ring whose area equals the ellipse's (pi * rx * ry) exactly: an inscribed polygon would
 * always be slightly smaller, so the vertices are pushed out by the factor that restores the area.
 * The vertex count follows the larger radius and the tolerance.
 */
export function ellipseToRing(spec: EllipseSpec): Ring {
  const { cx, cy, rotation = 0 } = spec;
  const rx = Math.abs(spec.rx);
  const ry = Math.abs(spec.ry);
  if (rx === 0 || ry === 0) return [];
  const n = segmentsForRadius(Math.max(rx, ry), spec.tolerance);
  const step = (2 * Math.PI) / n;
  const areaFix = Math.sqrt(step / Math.sin(step));
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  const ring: Ring = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    const u = rx * areaFix * Math.cos(i * step);
    const v = ry * areaFix * Math.sin(i * step);
    ring[2 * i] = cx + u * cos - v * sin;
    ring[2 * i + 1] = cy + u * sin + v * cos;
  }
  return ring;
}

/** The axis-aligned ellipse inscribed in the box spanned by two corners (the ellipse tool's drag). */
export const ellipseInBoxToRing = (x0: number, y0: number, x1: number, y1: number): Ring =>
  ellipseToRing({
    cx: (x0 + x1) / 2,
    cy: (y0 + y1) / 2,
    rx: Math.abs(x1 - x0) / 2,
    ry: Math.abs(y1 - y0) / 2,
  });
