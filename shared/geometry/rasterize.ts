/**
 * Exact polygon rasterisation in full-resolution image pixels.
 *
 * Rule: pixel (x, y) belongs to a shape when its centre (x + 0.5, y + 0.5) is inside. The rings of one
 * polygon (GeoJSON order: exterior first, then holes) combine by the EVEN-ODD rule, so a hole is a hole
 * whatever the direction its ring was drawn in; separate polygons are UNIONED (overlapping polygons never
 * cancel out, as they would under even-odd across polygons). Inside is half-open, [left, right): a
 * rectangle with integer corners covers exactly width x height pixels, so rasterised areas agree with
 * the shoelace formula up to the pixels the boundary cuts.
 *
 * Masks are produced as spans per row ([x0, x1) pairs, sorted, disjoint), so a band of rows can be
 * rasterised on its own with exactly the result the whole image would give.
 */

/** A closed ring as a flat point array [x0, y0, x1, y1, ...]; the closing edge is implied. */
export type Ring = ArrayLike<number>;
/** Exterior ring first, then holes. */
export type PolygonRings = readonly Ring[];

interface Edge {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  polygon: number;
}

/** Edges of the given polygons that cross any pixel-centre line of rows [firstRow, endRow). */
export class PolygonRasterizer {
  private readonly edges: Edge[] = [];
  private readonly polygonCount: number;

  constructor(polygons: readonly PolygonRings[], firstRow = 0, endRow = Number.POSITIVE_INFINITY) {
    this.polygonCount = polygons.length;
    polygons.forEach((rings, polygon) => {
      for (const ring of rings) {
        const n = Math.floor(ring.length / 2);
        for (let i = 0; i < n; i++) {
          const j = (i + 1) % n;
          const x0 = ring[2 * i]!;
          const y0 = ring[2 * i + 1]!;
          const x1 = ring[2 * j]!;
          const y1 = ring[2 * j + 1]!;
          if (y0 === y1) continue; // horizontal edges never cross a centre line
          const top = Math.min(y0, y1);
          const bottom = Math.max(y0, y1);
          if (bottom <= firstRow + 0.5 || top > endRow - 0.5) continue; // no centre line of these rows
          this.edges.push({ x0, y0, x1, y1, polygon });
        }
      }
    });
  }

  /** Spans [x0, x1) of row y covered by the union of the polygons, clipped to [0, width). */
  rowSpans(y: number, width: number): number[] {
    const cy = y + 0.5;
    const crossings: number[][] = Array.from({ length: this.polygonCount }, () => []);
    for (const e of this.edges) {
      // Half-open in y: an edge counts when min(y0, y1) <= cy < max(y0, y1), so a vertex on the centre
      // line is counted once, never twice.
      if ((e.y0 <= cy && cy < e.y1) || (e.y1 <= cy && cy < e.y0)) {
        crossings[e.polygon]!.push(e.x0 + ((cy - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0));
      }
    }
    const spans: number[] = [];
    for (const xs of crossings) {
      xs.sort((a, b) => a - b);
      for (let i = 0; i + 1 < xs.length; i += 2) {
        // Pixel x is inside when xs[i] <= x + 0.5 < xs[i + 1].
        const from = Math.max(0, Math.ceil(xs[i]! - 0.5));
        const to = Math.min(width, Math.ceil(xs[i + 1]! - 0.5));
        if (to > from) spans.push(from, to);
      }
    }
    return mergeSpans(spans);
  }
}

/** Sort and merge possibly overlapping [x0, x1) spans into disjoint, sorted ones. */
export function mergeSpans(spans: number[]): number[] {
  const count = spans.length / 2;
  if (count <= 1) return spans;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => spans[2 * a]! - spans[2 * b]!);
  const merged: number[] = [];
  for (const i of order) {
    const from = spans[2 * i]!;
    const to = spans[2 * i + 1]!;
    const last = merged.length - 1;
    if (last > 0 && from <= merged[last]!) merged[last] = Math.max(merged[last]!, to);
    else merged.push(from, to);
  }
  return merged;
}

/** Disjoint sorted spans `a` minus disjoint sorted spans `b`. */
export function subtractSpans(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let from = a[i]!;
    const to = a[i + 1]!;
    while (j < b.length && b[j + 1]! <= from) j += 2;
    let k = j;
    while (k < b.length && b[k]! < to) {
      if (b[k]! > from) out.push(from, b[k]!);
      from = Math.max(from, b[k + 1]!);
      k += 2;
    }
    if (from < to) out.push(from, to);
  }
  return out;
}

/** Intersection of two sorted, disjoint span lists ([x0, x1) pairs). */
export function intersectSpans(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]!, b[j]!);
    const to = Math.min(a[i + 1]!, b[j + 1]!);
    if (from < to) out.push(from, to);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export const spanPixelCount = (spans: readonly number[]): number => {
  let total = 0;
  for (let i = 0; i < spans.length; i += 2) total += spans[i + 1]! - spans[i]!;
  return total;
};

/** A whole-image mask (1 = inside) of the union of the polygons. */
export function rasterizePolygons(
  polygons: readonly PolygonRings[],
  width: number,
  height: number,
): Uint8Array {
  const mask = new Uint8Array(width * height);
  const rasterizer = new PolygonRasterizer(polygons, 0, height);
  for (let y = 0; y < height; y++) {
    const spans = rasterizer.rowSpans(y, width);
    for (let i = 0; i < spans.length; i += 2) mask.fill(1, y * width + spans[i]!, y * width + spans[i + 1]!);
  }
  return mask;
}

/** Pixel count of the union of the polygons inside a width x height image. */
export function rasterizedArea(polygons: readonly PolygonRings[], width: number, height: number): number {
  const rasterizer = new PolygonRasterizer(polygons, 0, height);
  let total = 0;
  for (let y = 0; y < height; y++) total += spanPixelCount(rasterizer.rowSpans(y, width));
  return total;
}
