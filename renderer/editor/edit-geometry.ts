/**
 * Edits the select tool makes, as pure functions from one stored geometry to the next: move a whole
 * shape, move one corner. The result still goes through shared/annotations/shape-input.ts (clip to the
 * image, split self-crossings) before it reaches the history.
 */
import type { AnnotationGeometry, AnnotationKind, EncodedMask } from '../../shared/annotations/types';
import { rectangleToRing } from '../../shared/geometry/shapes';
import type { VertexRef } from './hit-test';

const shiftPoints = (points: readonly number[], dx: number, dy: number): number[] =>
  points.map((v, i) => (i % 2 === 0 ? v + dx : v + dy));

/**
 * A mask moves by whole mask pixels and stays inside the image grid: the shift is rounded and clamped,
 * so the encoded bounding box always fits.
 */
export function shiftMask(
  mask: EncodedMask,
  dx: number,
  dy: number,
  gridWidth: number,
  gridHeight: number,
): EncodedMask {
  const stepX = Math.round(dx / mask.scale);
  const stepY = Math.round(dy / mask.scale);
  const left = Math.min(Math.max(0, mask.left + stepX), Math.max(0, gridWidth - mask.width));
  const top = Math.min(Math.max(0, mask.top + stepY), Math.max(0, gridHeight - mask.height));
  return { ...mask, left, top, counts: [...mask.counts] };
}

/** The geometry moved by (dx, dy) image pixels. */
export function translateGeometry(
  geometry: AnnotationGeometry,
  dx: number,
  dy: number,
  image: { width: number; height: number },
): AnnotationGeometry {
  switch (geometry.type) {
    case 'polygons':
      return {
        type: 'polygons',
        polygons: geometry.polygons.map((p) => ({
          outer: shiftPoints(p.outer, dx, dy),
          holes: p.holes.map((h) => shiftPoints(h, dx, dy)),
        })),
      };
    case 'mask': {
      const s = geometry.mask.scale;
      return {
        type: 'mask',
        mask: shiftMask(geometry.mask, dx, dy, Math.ceil(image.width / s), Math.ceil(image.height / s)),
      };
    }
    case 'line':
    case 'points':
      return { type: geometry.type, points: shiftPoints(geometry.points, dx, dy) };
  }
}

/**
 * One corner moved to (x, y). A rectangle stays a rectangle: the opposite corner holds and the two
 * neighbours follow. Other polygons move just that vertex.
 */
export function moveVertex(
  geometry: Extract<AnnotationGeometry, { type: 'polygons' }>,
  kind: AnnotationKind,
  ref: VertexRef,
  x: number,
  y: number,
): Extract<AnnotationGeometry, { type: 'polygons' }> {
  const polygons = geometry.polygons.map((p) => ({ outer: [...p.outer], holes: p.holes.map((h) => [...h]) }));
  const polygon = polygons[ref.polygon];
  if (!polygon) return { type: 'polygons', polygons };
  const ring = ref.ring === 0 ? polygon.outer : polygon.holes[ref.ring - 1];
  if (!ring || 2 * ref.index + 1 >= ring.length) return { type: 'polygons', polygons };
  if (kind === 'rectangle' && ref.ring === 0 && ring.length === 8) {
    const opposite = (ref.index + 2) % 4;
    polygon.outer = rectangleToRing(ring[2 * opposite], ring[2 * opposite + 1], x, y);
  } else {
    ring[2 * ref.index] = x;
    ring[2 * ref.index + 1] = y;
  }
  return { type: 'polygons', polygons };
}
