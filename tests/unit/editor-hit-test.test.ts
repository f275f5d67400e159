/**
 * Hit testing and the select tool's edits, on real documents (shared/annotations/document.ts).
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../shared/annotations/document';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation, AnnotationGeometry } from '../../shared/annotations/types';
import { ringArea } from '../../shared/geometry/measure';
import { ellipseInBoxToRing, rectangleToRing } from '../../shared/geometry/shapes';
import { moveVertex, shiftMask, translateGeometry } from '../../renderer/editor/edit-geometry';
import {
  distanceToOutline,
  hasEditableVertices,
  hitTest,
  MAX_VERTEX_HANDLES,
} from '../../renderer/editor/hit-test';

const W = 1000;
const H = 800;

const shape = (
  id: string,
  kind: Annotation['kind'],
  outer: number[],
  holes: number[][] = [],
  classId = 1,
): Annotation => ({
  id,
  classId,
  kind,
  name: '',
  geometry: { type: 'polygons', polygons: [{ outer, holes }] },
});

function maskAnnotation(id: string, paint: (mask: TiledMask) => void, scale = 1): Annotation {
  const mask = new TiledMask(W, H, scale);
  paint(mask);
  return { id, classId: 3, kind: 'mask', name: '', geometry: { type: 'mask', mask: mask.encode() } };
}

describe('hit testing', () => {
  const doc = new AnnotationDocument(W, H, [
    shape('big', 'rectangle', rectangleToRing(100, 100, 600, 500)),
    // A frame: the hole's inside is not part of the shape.
    shape('frame', 'polygon', rectangleToRing(700, 100, 900, 300), [rectangleToRing(750, 150, 850, 250)]),
    shape('small', 'ellipse', ellipseInBoxToRing(200, 200, 300, 300)),
    maskAnnotation('paint', (m) => m.paintCapsule(400, 600, 500, 600, 20, 1)),
    {
      id: 'line',
      classId: 2,
      kind: 'polyline',
      name: '',
      geometry: { type: 'line', points: [50, 700, 950, 700] },
    },
  ]);
  const all = doc.values();

  it('picks the topmost shape under the point', () => {
    expect(hitTest(all, { x: 250, y: 250 }, 3, null)).toEqual({ id: 'small', part: 'inside' });
    expect(hitTest(all, { x: 400, y: 400 }, 3, null)).toEqual({ id: 'big', part: 'inside' });
    expect(hitTest(all, { x: 650, y: 650 }, 3, null)).toBeNull();
  });

  it('takes an outline within the tolerance, and leaves a hole empty', () => {
    expect(hitTest(all, { x: 602, y: 300 }, 3, null)).toEqual({ id: 'big', part: 'edge' });
    expect(hitTest(all, { x: 605, y: 300 }, 3, null)).toBeNull();
    expect(hitTest(all, { x: 800, y: 200 }, 3, null)).toBeNull();
    expect(hitTest(all, { x: 720, y: 200 }, 3, null)).toEqual({ id: 'frame', part: 'inside' });
    expect(hitTest(all, { x: 751, y: 200 }, 3, null)).toEqual({ id: 'frame', part: 'edge' });
  });

  it('finds painted mask pixels and open lines', () => {
    expect(hitTest(all, { x: 450, y: 610 }, 3, null)).toEqual({ id: 'paint', part: 'inside' });
    expect(hitTest(all, { x: 450, y: 640 }, 3, null)).toBeNull();
    expect(hitTest(all, { x: 500, y: 702 }, 3, null)).toEqual({ id: 'line', part: 'edge' });
  });

  it("prefers the selected shape's corners, even under another shape", () => {
    // (200, 200) is a corner of the ellipse's box, not of the ellipse; (100, 100) is big's corner.
    expect(hitTest(all, { x: 102, y: 99 }, 4, 'big')).toEqual({
      id: 'big',
      part: 'vertex',
      vertex: { polygon: 0, ring: 0, index: 0 },
    });
    expect(hitTest(all, { x: 748, y: 152 }, 4, 'frame')).toEqual({
      id: 'frame',
      part: 'vertex',
      vertex: { polygon: 0, ring: 1, index: 0 },
    });
    // Not selected: just the outline.
    expect(hitTest(all, { x: 102, y: 100 }, 4, null)).toEqual({ id: 'big', part: 'edge' });
  });

  it('skips shapes that are filtered out', () => {
    expect(hitTest(all, { x: 250, y: 250 }, 3, null, (a) => a.id !== 'small')).toEqual({
      id: 'big',
      part: 'inside',
    });
  });

  it('offers corner handles for polygons and rectangles, not for ellipses or huge outlines', () => {
    expect(hasEditableVertices(doc.get('big')!)).toBe(true);
    expect(hasEditableVertices(doc.get('small')!)).toBe(false);
    expect(hasEditableVertices(doc.get('paint')!)).toBe(false);
    const many = Array.from({ length: MAX_VERTEX_HANDLES + 1 }, (_, i) => {
      const a = (2 * Math.PI * i) / (MAX_VERTEX_HANDLES + 1);
      return [500 + 300 * Math.cos(a), 400 + 300 * Math.sin(a)];
    }).flat();
    const freehand = new AnnotationDocument(W, H, [shape('f', 'freehand', many)]).get('f')!;
    expect(hasEditableVertices(freehand)).toBe(false);
  });

  it('measures distances to open and closed outlines', () => {
    const square = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(distanceToOutline({ x: -3, y: 5 }, square, true)).toBe(3);
    // Open: the closing edge from (0, 10) back to (0, 0) is not there.
    expect(distanceToOutline({ x: -3, y: 5 }, square, false)).toBeCloseTo(Math.hypot(3, 5), 9);
  });
});

describe('select tool edits', () => {
  const polygons = (g: AnnotationGeometry) => (g.type === 'polygons' ? g.polygons : []);

  it('moves a rectangle corner and keeps it a rectangle with the opposite corner fixed', () => {
    const geometry = shape('r', 'rectangle', rectangleToRing(100, 100, 300, 200)).geometry as Extract<
      AnnotationGeometry,
      { type: 'polygons' }
    >;
    const moved = moveVertex(geometry, 'rectangle', { polygon: 0, ring: 0, index: 2 }, 400, 250);
    expect(polygons(moved)[0]!.outer).toEqual(rectangleToRing(100, 100, 400, 250));
    // Dragged past the opposite corner: still a proper rectangle.
    const flipped = moveVertex(geometry, 'rectangle', { polygon: 0, ring: 0, index: 2 }, 50, 20);
    expect(ringArea(polygons(flipped)[0]!.outer)).toBe(50 * 80);
    // The input is not changed.
    expect(polygons(geometry)[0]!.outer).toEqual(rectangleToRing(100, 100, 300, 200));
  });

  it('moves one polygon corner, a hole corner included', () => {
    const geometry = shape('p', 'polygon', [0, 0, 100, 0, 50, 80], [[40, 20, 60, 20, 50, 40]])
      .geometry as Extract<AnnotationGeometry, { type: 'polygons' }>;
    expect(
      polygons(moveVertex(geometry, 'polygon', { polygon: 0, ring: 0, index: 2 }, 50, 100))[0]!.outer,
    ).toEqual([0, 0, 100, 0, 50, 100]);
    expect(
      polygons(moveVertex(geometry, 'polygon', { polygon: 0, ring: 1, index: 1 }, 65, 22))[0]!.holes[0],
    ).toEqual([40, 20, 65, 22, 50, 40]);
  });

  it('translates outlines and lines by the drag', () => {
    const moved = translateGeometry(
      shape('p', 'polygon', [0, 0, 10, 0, 5, 5], [[4, 1, 6, 1, 5, 2]]).geometry,
      7,
      -3,
      {
        width: W,
        height: H,
      },
    );
    expect(polygons(moved)[0]).toEqual({ outer: [7, -3, 17, -3, 12, 2], holes: [[11, -2, 13, -2, 12, -1]] });
    expect(translateGeometry({ type: 'line', points: [1, 2, 3, 4] }, 1, 1, { width: W, height: H })).toEqual({
      type: 'line',
      points: [2, 3, 4, 5],
    });
  });

  it('moves a mask by whole mask pixels and keeps it inside the image', () => {
    const annotation = maskAnnotation('m', (m) => m.paintCapsule(100, 100, 100, 100, 10, 1), 2);
    const encoded = (annotation.geometry as Extract<AnnotationGeometry, { type: 'mask' }>).mask;
    const moved = shiftMask(encoded, 21, -7, 500, 400);
    expect(moved.left - encoded.left).toBe(Math.round(21 / 2));
    expect(moved.top - encoded.top).toBe(Math.round(-7 / 2));
    expect(moved.counts).toEqual(encoded.counts);
    const far = shiftMask(encoded, 1e6, 1e6, 500, 400);
    expect(far.left + far.width).toBe(500);
    expect(far.top + far.height).toBe(400);
    // Decodes on the image: nothing fell off the grid.
    const decoded = TiledMask.decode(far, W, H);
    expect(decoded.count()).toBe(TiledMask.decode(encoded, W, H).count());
  });
});
