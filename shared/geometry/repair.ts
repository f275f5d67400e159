/**
 * Repair of a self-intersecting outline (a freehand lasso that crosses itself, a figure eight) by
 * splitting it at its crossings into simple rings.
 *
 * Fill rule: nonzero winding, as Canvas `fill()` fills the raw outline. Both lobes of a figure eight are
 * kept (the shoelace formula on the raw outline would cancel them out), a lasso drawn twice around the
 * same area stays filled, and a loop drawn inside in the opposite direction becomes a hole.
 *
 * Method (a planar arrangement): every crossing or touching point becomes a node inserted into both
 * edges, so the outline becomes a chain of sub-edges that meet only at nodes. A sub-edge is on the
 * boundary of the filled region when the winding number of the original outline is nonzero on one side
 * of it and zero on the other; it is directed with the filled side on its left. Linking boundary
 * sub-edges face by face (at each node, the next edge clockwise from the way back) gives simple rings:
 * positive ones are outer rings, negative ones holes.
 */
import { pointInRing, windingNumber } from './contains';
import { findEdgeContacts } from './intersections';
import { normaliseRing, ringArea, signedRingArea } from './measure';
import { checkPolygon, MIN_RING_AREA } from './validate';
import type { MultiPolygon, Polygon, Ring } from './types';

/** Nodes closer than this (image pixels) are one node: crossings computed twice land within rounding. */
const SNAP = 1e-7;
/** How far beside a sub-edge the winding numbers are sampled, image pixels: far below any drawn detail. */
const PROBE_OFFSET = 1e-5;

/** The outline as a walk over node ids, with every contact point inserted as a node. */
function refineWithNodes(ring: Ring): { walk: number[]; xy: number[] } {
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
  const walk: number[] = [];
  const visit = (id: number) => {
    if (walk[walk.length - 1] !== id) walk.push(id);
  };
  for (let i = 0; i < n; i++) {
    visit(vertexIds[i]);
    inserted[i].sort((p, q) => p.t - q.t).forEach((p) => visit(p.id));
  }
  while (walk.length > 1 && walk[0] === walk[walk.length - 1]) walk.pop();
  return { walk, xy };
}

interface DirectedEdge {
  from: number;
  to: number;
  used: boolean;
}

/** Sub-edges separating filled (nonzero winding) from empty, directed with the filled side on the left. */
function boundaryEdges(walk: number[], xy: number[], original: Ring): DirectedEdge[] {
  const seen = new Set<string>();
  const edges: DirectedEdge[] = [];
  for (let i = 0; i < walk.length; i++) {
    const u = walk[i];
    const v = walk[(i + 1) % walk.length];
    const key = u < v ? `${u},${v}` : `${v},${u}`;
    if (u === v || seen.has(key)) continue;
    seen.add(key);
    const dx = xy[2 * v] - xy[2 * u];
    const dy = xy[2 * v + 1] - xy[2 * u + 1];
    const length = Math.hypot(dx, dy);
    const mx = (xy[2 * u] + xy[2 * v]) / 2;
    const my = (xy[2 * u + 1] + xy[2 * v + 1]) / 2;
    const ox = (-dy / length) * PROBE_OFFSET;
    const oy = (dx / length) * PROBE_OFFSET;
    const leftFilled = windingNumber(mx + ox, my + oy, original) !== 0;
    const rightFilled = windingNumber(mx - ox, my - oy, original) !== 0;
    if (leftFilled === rightFilled) continue;
    edges.push(leftFilled ? { from: u, to: v, used: false } : { from: v, to: u, used: false });
  }
  return edges;
}

/**
 * Links boundary edges into closed walks over node ids, one per face boundary. At each node the next
 * edge is the first one clockwise from the way back, which keeps to the face on the left.
 */
function linkFaceWalks(edges: DirectedEdge[], xy: number[]): number[][] {
  const outgoing = new Map<number, DirectedEdge[]>();
  for (const e of edges) {
    const list = outgoing.get(e.from);
    if (list) list.push(e);
    else outgoing.set(e.from, [e]);
  }
  const angle = (from: number, to: number) =>
    Math.atan2(xy[2 * to + 1] - xy[2 * from + 1], xy[2 * to] - xy[2 * from]);
  const walks: number[][] = [];
  for (const start of edges) {
    if (start.used) continue;
    const walk: number[] = [];
    let edge: DirectedEdge | undefined = start;
    while (edge && !edge.used) {
      edge.used = true;
      walk.push(edge.from);
      const back = angle(edge.to, edge.from);
      let next: DirectedEdge | undefined;
      let smallestTurn = Infinity;
      for (const candidate of outgoing.get(edge.to) ?? []) {
        if (candidate.used) continue;
        let turn = back - angle(candidate.from, candidate.to);
        while (turn <= 0) turn += 2 * Math.PI;
        if (turn < smallestTurn) {
          smallestTurn = turn;
          next = candidate;
        }
      }
      edge = next;
    }
    walks.push(walk);
  }
  return walks;
}

/**
 * A face whose boundary touches itself at a node (a hole touching the outline at one point) comes out
 * as one walk through that node twice; cutting the walk at every repeated node gives simple loops.
 */
function splitAtRepeatedNodes(walk: number[]): number[][] {
  const loops: number[][] = [];
  const stack: number[] = [];
  const positionOnStack = new Map<number, number>();
  for (const id of [...walk, walk[0]]) {
    const at = positionOnStack.get(id);
    if (at === undefined) {
      positionOnStack.set(id, stack.length);
      stack.push(id);
      continue;
    }
    const loop = stack.splice(at);
    loop.forEach((node) => positionOnStack.delete(node));
    positionOnStack.set(id, stack.length);
    stack.push(id);
    loops.push(loop);
  }
  return loops;
}

/** Whether a ring lies inside another; rings may share vertices, so test beside an edge midpoint. */
function ringInside(inner: Ring, outer: Ring): boolean {
  return pointInRing((inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2, outer);
}

export interface RingRepair {
  /** Simple polygons covering what the outline enclosed (nonzero rule); empty if it enclosed nothing. */
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
  const { walk, xy } = refineWithNodes(ring);
  const rings = linkFaceWalks(boundaryEdges(walk, xy, ring), xy)
    .flatMap(splitAtRepeatedNodes)
    .map((loop) => loop.flatMap((id) => [xy[2 * id], xy[2 * id + 1]]))
    .filter((loop) => loop.length >= 6 && ringArea(loop) > MIN_RING_AREA);
  // Smallest first, so the first outer ring found around a hole is the one that owns it.
  const parts: Polygon[] = rings
    .filter((r) => signedRingArea(r) > 0)
    .sort((a, b) => ringArea(a) - ringArea(b))
    .map((outer) => ({ outer, holes: [] }));
  for (const hole of rings.filter((r) => signedRingArea(r) < 0)) {
    parts.find((part) => ringInside(hole, part.outer))?.holes.push(hole);
  }
  return { parts: parts.reverse(), changed: true };
}

/**
 * An imported polygon as simple parts: a valid one as it is; an outline without holes that crosses
 * itself (ImageJ and other tools let freehand outlines do that) split by `repairRing`; anything else
 * (a crossing with holes, a hole outside its outline, too few points) refused with the reason.
 */
export function validParts(
  polygon: Polygon,
): { ok: true; parts: MultiPolygon } | { ok: false; message: string } {
  const check = checkPolygon(polygon);
  if (check.valid) return { ok: true, parts: [polygon] };
  if (check.problem === 'self-intersection' && polygon.holes.length === 0) {
    const { parts } = repairRing(polygon.outer);
    if (parts.length > 0) return { ok: true, parts };
  }
  return { ok: false, message: check.message };
}
