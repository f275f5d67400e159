/**
 * A work budget for checking and repairing outlines on the server, so no request can hold the event
 * loop for long. The shared geometry is exact but not worst-case fast: the edge-contact sweep tests
 * every pair of edges whose x-ranges overlap (all pairs, for a comb of long edges), and the repair of a
 * self-crossing outline tests a winding number, a pass over the whole outline, beside every piece of it
 * (quadratic in points plus crossings; a 1000-point star with 250 000 crossings took 10 s). Before any
 * of that runs, `chargeRing` counts what it will cost, cheaply and exactly for the sweep, and refuses
 * an outline that would not fit.
 */
import { clipRingToRect, imageRect } from '../../../shared/geometry/clip';
import { findEdgeContacts } from '../../../shared/geometry/intersections';
import { normaliseRing } from '../../../shared/geometry/measure';

/**
 * Work allowed for one request, in units of one edge visited by a winding-number test (2 to 6 ns on
 * the test machine); testing a pair of edges in the sweep costs PAIR_COST units (measured 9 to 13 ns).
 * The worst accepted outlines (a 370-point star with every edge crossing, a 5000-point comb of long
 * edges) take about half a second there.
 */
export const GEOMETRY_WORK_BUDGET = 100_000_000;
const PAIR_COST = 3;

export class GeometryBudget {
  remaining: number;

  constructor(readonly total = GEOMETRY_WORK_BUDGET) {
    this.remaining = total;
  }

  get spent(): number {
    return this.total - this.remaining;
  }

  /** Takes `steps` from the budget; false (and nothing taken) when they do not fit. */
  take(steps: number): boolean {
    if (steps > this.remaining) return false;
    this.remaining -= steps;
    return true;
  }
}

/**
 * The number of edge pairs `findEdgeContacts` tests for one ring: it sorts the edges by their left end
 * and tests each edge against every later one that starts before it ends. Counted with a binary search
 * per edge, in O(n log n).
 */
export function sweepPairs(ring: readonly number[]): number {
  const n = ring.length >> 1;
  const edges: { minX: number; maxX: number }[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const [ax, ay, bx, by] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!];
    if (ax === bx && ay === by) continue;
    edges.push({ minX: Math.min(ax, bx), maxX: Math.max(ax, bx) });
  }
  edges.sort((p, q) => p.minX - q.minX);
  let pairs = 0;
  for (let i = 0; i < edges.length; i++) {
    const end = edges[i]!.maxX;
    let lo = i + 1;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]!.minX <= end) lo = mid + 1;
      else hi = mid;
    }
    pairs += lo - i - 1;
  }
  return pairs;
}

export type RingCharge = { ok: true } | { ok: false; reason: string };

/**
 * Charge the work of checking one outline or hole and, if it crosses itself after clipping to the
 * image, of splitting it: the sweep of the ring as given (the shape check), three sweeps of the
 * clipped ring (counting crossings here, then the repair's own two) and two winding numbers per piece
 * of the split outline.
 */
export function chargeRing(
  ring: readonly number[],
  image: { width: number; height: number },
  budget: GeometryBudget,
): RingCharge {
  const points = normaliseRing(ring);
  const clipped = clipRingToRect(points, imageRect(image.width, image.height));
  const n = clipped.length >> 1;
  const sharedWithOthers = budget.spent > 0;
  const refuse = (): RingCharge => ({
    ok: false,
    reason: sharedWithOthers
      ? 'Together with the other shapes sent with it, it needs more checking than one request may take: save or send fewer shapes at a time.'
      : `Its outline (${points.length >> 1} points) has too many edges crossing or lying alongside each other to be checked and split in reasonable time: simplify it (fewer points), or draw it again without crossings.`,
  });
  if (!budget.take(PAIR_COST * (sweepPairs(points) + 3 * sweepPairs(clipped)))) return refuse();
  // Each crossing adds two pieces to the split outline; find out how many there are, up to what fits.
  const piecesAffordable = Math.floor(budget.remaining / Math.max(1, 2 * n));
  const crossingsAffordable = Math.max(0, Math.floor((piecesAffordable - n) / 2));
  const crossings = findEdgeContacts([clipped], crossingsAffordable + 1).length;
  if (crossings === 0) return { ok: true };
  if (crossings > crossingsAffordable || !budget.take(2 * (n + 2 * crossings) * n)) return refuse();
  return { ok: true };
}
