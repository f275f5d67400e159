/**
 * Repair of a self-intersecting outline (a freehand lasso that crosses itself, a figure eight) by
 * splitting it at its crossings into simple rings.
 *
 * Fill rule: nonzero winding, as a pen plotter or Canvas `fill()` would fill the original outline. Both
 * lobes of a figure eight are kept (even-odd would keep them too, but the shoelace formula on the raw
 * outline would cancel them out); a lasso drawn twice around the same area stays filled; a loop drawn
 * inside in the opposite direction becomes a hole.
 *
 * Steps: every crossing and touching point becomes a node inserted into both edges; walking the refined
 * outline, each return to a node already on the walk closes a loop, which is simple by construction.
 * A loop is an outer boundary when the winding number of the original outline is nonzero just inside it
 * and zero just outside, a hole in the reverse case, and interior (dropped) otherwise.
 */
import { windingNumber, pointInRing } from './contains';
import { findEdgeContacts } from './intersections';
import { normaliseRing, ringArea, signedRingArea } from './measure';
import { MIN_RING_AREA } from './validate';
import type { MultiPolygon, Ring } from './types';

/** Nodes closer than this (image pixels) are one node: crossings computed twice land within rounding. */
const SNAP = 1e-7;

function refineWithNodes(ring: Ring): { nodes: number[]; xy: number[] } {
  const xy: number[] = [];
  const ids = new Map<string, number>();
  const nodeAt = (x: number, y: number): number => {
    const key = `${Math.round(x / SNAP)},${Math.round(y / SNAP)}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = xy.length >> 1;
      ids.set(key, id);
      xy.push(x, y);
    }
    return id;
  };
  const n = ring.length >> 1;
  const vertexIds = Array.from({ length: n }, (_, i) => nodeAt(ring[2 * i], ring[2 * i + 1]));
  const inserted: { t: number; id: number }[][] = Array.from({ length: n }, () => []);
  for (const c of findEdgeContacts([ring])) {
    const id = nodeAt(c.x, c.y);
    if (c.ta > 0 && c.ta < 1) inserted[c.a.index].push({ t: c.ta, id });
    if (c.tb > 0 && c.tb < 1) inserted[c.b.index].push({ t: c.tb, id });
  }
  const nodes: number[] = [];
  const push = (id: number) => {
    if (nodes[nodes.length - 1] !== id) nodes.push(id);
  };
  for (let i = 0; i < n; i++) {
    push(vertexIds[i]);
    inserted[i].sort((p, q) => p.t - q.t).forEach((p) => push(p.id));
  }
  while (nodes.length > 1 && nodes[0] === nodes[nodes.length - 1]) nodes.pop();
  return { nodes, xy };
}

/** Splits the node walk into loops that visit no node twice. */
function extractLoops(nodes: number[]): number[][] {
  const loops: number[][] = [];
  const stack: number[] = [];
  const positionOnStack = new Map<number, number>();
  for (const id of [...nodes, nodes[0]]) {
    const at = positionOnStack.get(id);
    if (at === undefined) {
      positionOnStack.set(id, stack.length);
      stack.push(id);
      continue;
    }
    const loop = stack.splice(at + 1);
    loop.unshift(id);
    loop.forEach((node, k) => k > 0 && positionOnStack.delete(node));
    loops.push(loop);
  }
  return loops;
}

/** How far beside an edge the winding numbers are sampled, image pixels: far below any drawn detail. */
const PROBE_OFFSET = 1e-5;

/** Midpoint and unit direction of the longest edge of a ring. */
function longestEdge(ring: Ring): { mx: number; my: number; ux: number; uy: number } {
  const n = ring.length >> 1;
  let best = { mx: 0, my: 0, ux: 1, uy: 0 };
  let bestLength = -1;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const dx = ring[2 * j] - ring[2 * i];
    const dy = ring[2 * j + 1] - ring[2 * i + 1];
    const length = Math.hypot(dx, dy);
    if (length > bestLength) {
      bestLength = length;
      best = {
        mx: (ring[2 * i] + ring[2 * j]) / 2,
        my: (ring[2 * i + 1] + ring[2 * j + 1]) / 2,
        ux: dx / length,
        uy: dy / length,
      };
    }
  }
  return best;
}

/** Winding numbers of the original outline just inside and just outside a loop, beside its longest edge. */
function windingAcross(loop: Ring, original: Ring): { inside: number; outside: number } {
  const { mx, my, ux, uy } = longestEdge(loop);
  // The interior of a ring with positive shoelace area lies to the left of its edges: along (-uy, ux).
  const d = signedRingArea(loop) > 0 ? PROBE_OFFSET : -PROBE_OFFSET;
  return {
    inside: windingNumber(mx - uy * d, my + ux * d, original),
    outside: windingNumber(mx + uy * d, my - ux * d, original),
  };
}

/** Whether a loop lies inside a ring; loops may share vertices, so test beside an edge midpoint, not a vertex. */
function loopInside(loop: Ring, ring: Ring): boolean {
  const { mx, my } = longestEdge(loop);
  return pointInRing(mx, my, ring);
}

export interface RingRepair {
  /** The simple polygons that cover what the outline enclosed (nonzero rule); empty if it enclosed nothing. */
  parts: MultiPolygon;
  /** False when the outline was already simple and is returned as it was (normalised). */
  changed: boolean;
}

/**
 * Splits a self-intersecting outline into simple polygons with holes. A simple outline comes back as
 * its single part, unchanged. Degenerate pieces (spikes, zero-area loops) are dropped.
 */
export function repairRing(input: readonly number[]): RingRepair {
  const ring = normaliseRing(input);
  if (findEdgeContacts([ring], 1).length === 0) {
    const usable = ring.length >= 6 && ringArea(ring) > MIN_RING_AREA;
    return usable ? { parts: [{ outer: ring, holes: [] }], changed: false } : { parts: [], changed: true };
  }
  const { nodes, xy } = refineWithNodes(ring);
  const loops = extractLoops(nodes)
    .filter((loop) => loop.length >= 3)
    .map((loop) => loop.flatMap((id) => [xy[2 * id], xy[2 * id + 1]]))
    .filter((loop) => ringArea(loop) > MIN_RING_AREA);
  const outers: Ring[] = [];
  const holes: Ring[] = [];
  for (const loop of loops) {
    const { inside, outside } = windingAcross(loop, ring);
    if (inside !== 0 && outside === 0) outers.push(loop);
    else if (inside === 0 && outside !== 0) holes.push(loop);
  }
  // Smallest first, so the first outer ring found around a hole is the one that owns it.
  const parts: MultiPolygon = outers
    .sort((a, b) => ringArea(a) - ringArea(b))
    .map((outer) => ({ outer, holes: [] as Ring[] }));
  for (const hole of holes) parts.find((part) => loopInside(hole, part.outer))?.holes.push(hole);
  return { parts: parts.reverse(), changed: true };
}
