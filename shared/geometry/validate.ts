/**
 * Is a drawn or imported outline a shape we can store and measure? Degenerate shapes (fewer than three
 * points, no area) are refused with a reason; self-intersections are reported with the first place they
 * occur so the editor can point at it, and `repairRing` (repair.ts) can split such outlines instead.
 */
import { findEdgeContacts } from './intersections';
import { normaliseRing, ringArea } from './measure';
import { pointInRing } from './contains';
import type { Polygon } from './types';

export type PolygonProblem =
  'non-finite' | 'too-few-points' | 'zero-area' | 'self-intersection' | 'hole-outside' | 'holes-overlap';

export type PolygonCheck =
  { valid: true } | { valid: false; problem: PolygonProblem; message: string; at?: { x: number; y: number } };

/** Below this many square pixels a ring counts as having no area (a line, or points on a line). */
export const MIN_RING_AREA = 1e-9;

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** True when every point lies on the line through the first point and the point farthest from it. */
function allOnOneLine(points: readonly number[]): boolean {
  const n = points.length >> 1;
  const [x0, y0] = points;
  let far = 1;
  for (let i = 1; i < n; i++) {
    if (
      Math.hypot(points[2 * i] - x0, points[2 * i + 1] - y0) >
      Math.hypot(points[2 * far] - x0, points[2 * far + 1] - y0)
    )
      far = i;
  }
  const dx = points[2 * far] - x0;
  const dy = points[2 * far + 1] - y0;
  const length = Math.hypot(dx, dy);
  if (length === 0) return true;
  // Distance of each point from that line, against a tolerance far below a pixel.
  for (let i = 1; i < n; i++) {
    if (Math.abs(dx * (points[2 * i + 1] - y0) - dy * (points[2 * i] - x0)) / length > 1e-9) return false;
  }
  return true;
}

function checkRing(ring: readonly number[], what: string): PolygonCheck {
  if (ring.length % 2 !== 0 || ring.some((v) => !Number.isFinite(v))) {
    return {
      valid: false,
      problem: 'non-finite',
      message: `The ${what} has a coordinate that is not a finite number.`,
    };
  }
  const points = normaliseRing(ring);
  const count = points.length >> 1;
  if (count < 3) {
    return {
      valid: false,
      problem: 'too-few-points',
      message: `The ${what} needs at least 3 distinct points; it has ${count}. Add points or delete the shape.`,
    };
  }
  if (ringArea(points) <= MIN_RING_AREA && allOnOneLine(points)) {
    return {
      valid: false,
      problem: 'zero-area',
      message: `The ${what} encloses no area (its points lie on one line). Draw it again with some width.`,
    };
  }
  const [contact] = findEdgeContacts([points], 1);
  if (contact) {
    return {
      valid: false,
      problem: 'self-intersection',
      message: `The ${what} crosses or touches itself near (${fmt(contact.x)}, ${fmt(contact.y)}). Move the point or let DermaQuant split it into separate parts.`,
      at: { x: contact.x, y: contact.y },
    };
  }
  return { valid: true };
}

/** Checks the outer ring and every hole, then that the holes lie inside the outer ring without overlap. */
export function checkPolygon(polygon: Polygon): PolygonCheck {
  const outerCheck = checkRing(polygon.outer, 'outline');
  if (!outerCheck.valid) return outerCheck;
  const holes = polygon.holes.map(normaliseRing);
  for (let h = 0; h < holes.length; h++) {
    const holeCheck = checkRing(polygon.holes[h], `hole ${h + 1}`);
    if (!holeCheck.valid) return holeCheck;
  }
  if (holes.length === 0) return { valid: true };
  const outer = normaliseRing(polygon.outer);
  // Rings may touch at single points (valid in the OGC simple features model, and harmless to
  // areas and rasterisation) but not cross or run along each other.
  const contact = findEdgeContacts([outer, ...holes]).find((c) => c.kind !== 'touch');
  if (contact) {
    const problem = contact.a.ring === 0 ? 'hole-outside' : 'holes-overlap';
    return {
      valid: false,
      problem,
      message: `A hole touches or crosses ${problem === 'hole-outside' ? 'the outline' : 'another hole'} near (${fmt(contact.x)}, ${fmt(contact.y)}).`,
      at: { x: contact.x, y: contact.y },
    };
  }
  // Rings may share a vertex, so test the midpoint of an edge rather than a vertex.
  const probe = (ring: readonly number[]) => ({ x: (ring[0] + ring[2]) / 2, y: (ring[1] + ring[3]) / 2 });
  for (let h = 0; h < holes.length; h++) {
    const at = probe(holes[h]);
    if (!pointInRing(at.x, at.y, outer)) {
      return {
        valid: false,
        problem: 'hole-outside',
        message: `Hole ${h + 1} lies outside the outline.`,
        at,
      };
    }
    for (let k = 0; k < holes.length; k++) {
      if (k !== h && pointInRing(at.x, at.y, holes[k])) {
        return {
          valid: false,
          problem: 'holes-overlap',
          message: `Hole ${h + 1} lies inside hole ${k + 1}.`,
          at,
        };
      }
    }
  }
  return { valid: true };
}

/** Checks a single outline without holes. */
export const checkRingShape = (ring: readonly number[]): PolygonCheck => checkRing(ring, 'outline');
