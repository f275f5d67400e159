/**
 * What is under the pointer, decided in image pixels (the stage draws with listening off, so hit
 * testing is this one pure function rather than Konva's hit canvas, which would also cost a second
 * render of every shape). Later shapes are drawn on top, so they are tested first.
 */
import type { DocAnnotation } from '../../shared/annotations/document';
import { pointInMultiPolygon } from '../../shared/geometry/contains';
import type { Point } from '../viewer/camera';

/** A vertex of one ring of one polygon of an annotation: ring 0 is the outer ring, 1.. the holes. */
export interface VertexRef {
  polygon: number;
  ring: number;
  index: number;
}

export type Hit =
  | { id: string; part: 'vertex'; vertex: VertexRef }
  | { id: string; part: 'edge' }
  | { id: string; part: 'inside' };

export function distanceToSegment(p: Point, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / lengthSquared));
  return Math.hypot(p.x - ax - t * dx, p.y - ay - t * dy);
}

/** Distance from a point to a ring's outline (closed) or to a polyline (open). */
export function distanceToOutline(p: Point, points: readonly number[], closed: boolean): number {
  const n = points.length >> 1;
  if (n === 0) return Infinity;
  if (n === 1) return Math.hypot(p.x - points[0], p.y - points[1]);
  let best = Infinity;
  const last = closed ? n : n - 1;
  for (let i = 0; i < last; i++) {
    const j = (i + 1) % n;
    best = Math.min(
      best,
      distanceToSegment(p, points[2 * i], points[2 * i + 1], points[2 * j], points[2 * j + 1]),
    );
  }
  return best;
}

/** The vertex of an annotation's polygons nearest to `p` within `tolerance`, or null. */
export function hitVertex(annotation: DocAnnotation, p: Point, tolerance: number): VertexRef | null {
  const geometry = annotation.geometry;
  if (geometry.type !== 'polygons') return null;
  let best: VertexRef | null = null;
  let bestDistance = tolerance;
  geometry.polygons.forEach((polygon, polygonIndex) => {
    [polygon.outer, ...polygon.holes].forEach((ring, ringIndex) => {
      for (let i = 0; i + 1 < ring.length; i += 2) {
        const d = Math.hypot(ring[i] - p.x, ring[i + 1] - p.y);
        if (d <= bestDistance) {
          bestDistance = d;
          best = { polygon: polygonIndex, ring: ringIndex, index: i >> 1 };
        }
      }
    });
  });
  return best;
}

/** Whether `p` is on the annotation: inside an area, on its outline, or on a painted mask pixel. */
export function hitAnnotation(annotation: DocAnnotation, p: Point, tolerance: number): Hit | null {
  const geometry = annotation.geometry;
  const id = annotation.id;
  switch (geometry.type) {
    case 'polygons': {
      const onEdge = geometry.polygons.some((polygon) =>
        [polygon.outer, ...polygon.holes].some((ring) => distanceToOutline(p, ring, true) <= tolerance),
      );
      if (onEdge) return { id, part: 'edge' };
      return pointInMultiPolygon(p.x, p.y, geometry.polygons) ? { id, part: 'inside' } : null;
    }
    case 'mask': {
      const mask = geometry.mask;
      return mask.get(Math.floor(p.x / mask.scale), Math.floor(p.y / mask.scale))
        ? { id, part: 'inside' }
        : null;
    }
    case 'line':
      return distanceToOutline(p, geometry.points, false) <= tolerance ? { id, part: 'edge' } : null;
    case 'points':
      for (let i = 0; i + 1 < geometry.points.length; i += 2) {
        if (Math.hypot(geometry.points[i] - p.x, geometry.points[i + 1] - p.y) <= tolerance)
          return { id, part: 'edge' };
      }
      return null;
  }
}

/** More corners than this and handles would hide the outline (a long freehand outline is moved whole). */
export const MAX_VERTEX_HANDLES = 400;

/** Whether the select tool offers vertex handles (ellipses are moved, not reshaped). */
export function hasEditableVertices(annotation: DocAnnotation): boolean {
  const geometry = annotation.geometry;
  if (geometry.type !== 'polygons' || annotation.kind === 'ellipse') return false;
  let corners = 0;
  for (const polygon of geometry.polygons) {
    corners += polygon.outer.length / 2;
    for (const hole of polygon.holes) corners += hole.length / 2;
  }
  return corners <= MAX_VERTEX_HANDLES;
}

/**
 * The select tool's pick: the selected annotation's vertices first (so a corner on top of another shape
 * can still be dragged), then the topmost annotation the point is on. `visible` filters hidden classes.
 */
export function hitTest(
  annotations: readonly DocAnnotation[],
  p: Point,
  tolerance: number,
  selectedId: string | null,
  visible: (annotation: DocAnnotation) => boolean = () => true,
): Hit | null {
  const selected = selectedId === null ? undefined : annotations.find((a) => a.id === selectedId);
  if (selected && visible(selected) && hasEditableVertices(selected)) {
    const vertex = hitVertex(selected, p, tolerance);
    if (vertex) return { id: selected.id, part: 'vertex', vertex };
  }
  for (let i = annotations.length - 1; i >= 0; i--) {
    const annotation = annotations[i];
    if (!visible(annotation)) continue;
    const hit = hitAnnotation(annotation, p, tolerance);
    if (hit) return hit;
  }
  return null;
}
