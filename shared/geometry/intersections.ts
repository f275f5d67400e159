/**
 * Where the edges of one or more closed rings touch or cross each other, apart from the shared vertex of
 * two consecutive edges. Candidate pairs come from a sweep over edges sorted by their left end, so long
 * freehand outlines cost far less than testing every pair.
 */

/** An edge is identified by its ring and the index of its first point; it runs to the next point. */
export interface EdgeRef {
  ring: number;
  index: number;
}

export interface EdgeContact {
  a: EdgeRef;
  b: EdgeRef;
  /** A point where the two edges meet (for a collinear overlap: one end of the overlap). */
  x: number;
  y: number;
  /** Position of (x, y) along edge a and edge b, 0 at the edge's start and 1 at its end. */
  ta: number;
  tb: number;
  /** Proper crossing, a vertex lying on the other edge, or a stretch where the edges overlap. */
  kind: 'cross' | 'touch' | 'overlap';
}

interface Edge {
  ring: number;
  index: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number =>
  (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);

/** Parameter of point (px, py) along a->b, assuming it lies on that line. */
function paramAlong(e: Edge, px: number, py: number): number {
  const dx = e.bx - e.ax;
  const dy = e.by - e.ay;
  return ((px - e.ax) * dx + (py - e.ay) * dy) / (dx * dx + dy * dy);
}

function onSegment(e: Edge, px: number, py: number): boolean {
  return px >= e.minX && px <= e.maxX && py >= e.minY && py <= e.maxY;
}

/**
 * All contacts between edges e and f (none, one, or for overlapping collinear edges up to four end
 * points lying on the other edge). Adjacent edges (sharing a vertex in ring order) only report an
 * overlap: their shared vertex is no contact.
 */
function contactsBetween(e: Edge, f: Edge, adjacent: boolean): EdgeContact[] {
  const a = { ring: e.ring, index: e.index };
  const b = { ring: f.ring, index: f.index };
  const d1 = orient(f.ax, f.ay, f.bx, f.by, e.ax, e.ay);
  const d2 = orient(f.ax, f.ay, f.bx, f.by, e.bx, e.by);
  const d3 = orient(e.ax, e.ay, e.bx, e.by, f.ax, f.ay);
  const d4 = orient(e.ax, e.ay, e.bx, e.by, f.bx, f.by);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    if (adjacent) return [];
    const ta = d1 / (d1 - d2);
    const tb = d3 / (d3 - d4);
    return [{ a, b, x: e.ax + ta * (e.bx - e.ax), y: e.ay + ta * (e.by - e.ay), ta, tb, kind: 'cross' }];
  }
  const collinear = d1 === 0 && d2 === 0;
  const out: EdgeContact[] = [];
  const add = (x: number, y: number) => {
    const ta = paramAlong(e, x, y);
    const tb = paramAlong(f, x, y);
    if (out.some((c) => c.x === x && c.y === y)) return;
    // The vertex two consecutive edges share is where they are meant to meet.
    const sharedVertex = adjacent && (ta === 0 || ta === 1) && (tb === 0 || tb === 1);
    if (!sharedVertex) out.push({ a, b, x, y, ta, tb, kind: collinear ? 'overlap' : 'touch' });
  };
  if (d1 === 0 && onSegment(f, e.ax, e.ay)) add(e.ax, e.ay);
  if (d2 === 0 && onSegment(f, e.bx, e.by)) add(e.bx, e.by);
  if (d3 === 0 && onSegment(e, f.ax, f.ay)) add(f.ax, f.ay);
  if (d4 === 0 && onSegment(e, f.bx, f.by)) add(f.bx, f.by);
  // Adjacent collinear edges that merely continue each other share only their vertex: no contact.
  return out;
}

function edgesOf(rings: readonly (readonly number[])[]): Edge[] {
  const edges: Edge[] = [];
  rings.forEach((ring, r) => {
    const n = ring.length >> 1;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ax = ring[2 * i];
      const ay = ring[2 * i + 1];
      const bx = ring[2 * j];
      const by = ring[2 * j + 1];
      if (ax === bx && ay === by) continue;
      edges.push({
        ring: r,
        index: i,
        ax,
        ay,
        bx,
        by,
        minX: Math.min(ax, bx),
        maxX: Math.max(ax, bx),
        minY: Math.min(ay, by),
        maxY: Math.max(ay, by),
      });
    }
  });
  return edges;
}

function areAdjacent(e: Edge, f: Edge, ringSizes: number[]): boolean {
  if (e.ring !== f.ring) return false;
  const n = ringSizes[e.ring];
  return (e.index + 1) % n === f.index || (f.index + 1) % n === e.index;
}

/**
 * Contacts between edges of the given rings (within a ring and between rings). Stops after `limit`
 * contacts when given, which is enough to refuse a shape with a message.
 */
export function findEdgeContacts(rings: readonly (readonly number[])[], limit = Infinity): EdgeContact[] {
  const edges = edgesOf(rings).sort((p, q) => p.minX - q.minX);
  const ringSizes = rings.map((ring) => ring.length >> 1);
  const contacts: EdgeContact[] = [];
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    for (let j = i + 1; j < edges.length && edges[j].minX <= e.maxX; j++) {
      const f = edges[j];
      if (f.maxY < e.minY || f.minY > e.maxY) continue;
      const [first, second] = e.ring < f.ring || (e.ring === f.ring && e.index < f.index) ? [e, f] : [f, e];
      for (const contact of contactsBetween(first, second, areAdjacent(e, f, ringSizes))) {
        contacts.push(contact);
        if (contacts.length >= limit) return contacts;
      }
    }
  }
  return contacts;
}
