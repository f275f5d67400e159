/**
 * Ramer-Douglas-Peucker simplification for freehand strokes: a pointer move event every few screen
 * pixels gives thousands of nearly collinear points; RDP keeps the ones that matter to within a
 * tolerance in image pixels (the editor passes about one screen pixel at the current zoom).
 */
import type { Ring } from './types';

function distanceToSegmentSquared(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / lengthSquared;
  t = Math.max(0, Math.min(1, t));
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}

/** Marks the points to keep between indices first and last (inclusive); iterative, so long strokes cannot overflow the stack. */
function markKept(
  points: readonly number[],
  first: number,
  last: number,
  toleranceSquared: number,
  keep: Uint8Array,
) {
  keep[first] = 1;
  keep[last] = 1;
  const stack: number[] = [first, last];
  while (stack.length > 0) {
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    let worst = -1;
    let worstDistance = toleranceSquared;
    const ax = points[2 * start];
    const ay = points[2 * start + 1];
    const bx = points[2 * end];
    const by = points[2 * end + 1];
    for (let i = start + 1; i < end; i++) {
      const d = distanceToSegmentSquared(points[2 * i], points[2 * i + 1], ax, ay, bx, by);
      if (d > worstDistance) {
        worstDistance = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push(start, worst, worst, end);
    }
  }
}

function collectKept(points: readonly number[], keep: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) out.push(points[2 * i], points[2 * i + 1]);
  return out;
}

/** Simplifies an open polyline; its two end points are always kept. */
export function simplifyPolyline(points: readonly number[], tolerance: number): number[] {
  const n = points.length >> 1;
  if (n <= 2 || !(tolerance > 0)) return points.slice(0, 2 * n);
  const keep = new Uint8Array(n);
  markKept(points, 0, n - 1, tolerance * tolerance, keep);
  return collectKept(points, keep);
}

/**
 * Simplifies a closed ring. The ring is split at the point farthest from its first point, so both halves
 * are simplified as open chains with well-defined ends; never returns fewer than 3 points from 3 or more.
 */
export function simplifyRing(ring: readonly number[], tolerance: number): Ring {
  const n = ring.length >> 1;
  if (n <= 3 || !(tolerance > 0)) return ring.slice(0, 2 * n);
  let far = 1;
  let farDistance = -1;
  for (let i = 1; i < n; i++) {
    const d = (ring[2 * i] - ring[0]) ** 2 + (ring[2 * i + 1] - ring[1]) ** 2;
    if (d > farDistance) {
      farDistance = d;
      far = i;
    }
  }
  // Treat the ring as an open chain 0..n (point n = point 0 again) so the closing edge is simplified too.
  const chain = [...ring.slice(0, 2 * n), ring[0], ring[1]];
  const keep = new Uint8Array(n + 1);
  const toleranceSquared = tolerance * tolerance;
  markKept(chain, 0, far, toleranceSquared, keep);
  markKept(chain, far, n, toleranceSquared, keep);
  keep[n] = 0;
  const out = collectKept(chain, keep);
  if (out.length >= 6) return out;
  // A sliver thinner than the tolerance collapsed: keep its widest triangle rather than a degenerate line.
  let third = -1;
  let thirdDistance = -1;
  for (let i = 1; i < n; i++) {
    if (i === far) continue;
    const d = distanceToSegmentSquared(
      ring[2 * i],
      ring[2 * i + 1],
      ring[0],
      ring[1],
      ring[2 * far],
      ring[2 * far + 1],
    );
    if (d > thirdDistance) {
      thirdDistance = d;
      third = i;
    }
  }
  const picks = [0, far, third].sort((a, b) => a - b);
  return picks.flatMap((i) => [ring[2 * i], ring[2 * i + 1]]);
}
