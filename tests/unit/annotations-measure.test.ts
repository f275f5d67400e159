import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../shared/annotations/document';
import {
  areaShapesOfDocument,
  areaShapesOfStored,
  intersectSpans,
  measureByClass,
  type AreaShape,
  type ClassInfo,
} from '../../shared/annotations/measure-classes';
import { prepareOutline, preparePolygons } from '../../shared/annotations/shape-input';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import { rasterizePolygons } from '../../shared/geometry/rasterize';
import { multiPolygonArea } from '../../shared/geometry/measure';
import { ellipseToRing, rectangleToRing } from '../../shared/geometry/shapes';

const W = 1200;
const H = 900;
const CLASSES: ClassInfo[] = [
  { id: 1, name: 'Region of interest', role: 'roi' },
  { id: 2, name: 'Exclude', role: 'exclude' },
  { id: 3, name: 'Stained collagen', role: 'stained' },
  { id: 4, name: 'Vessel', role: null },
];
const rect = (x0: number, y0: number, x1: number, y1: number) => [
  { outer: rectangleToRing(x0, y0, x1, y1), holes: [] },
];

/** The same measurement by brute force: a whole-image bitmap per role, combined pixel by pixel. */
function bruteForce(shapes: AreaShape[]) {
  const bitmapOf = (classIds: number[]) => {
    const bits = new Uint8Array(W * H);
    for (const s of shapes.filter((shape) => classIds.includes(shape.classId))) {
      if ('polygons' in s) {
        rasterizePolygons(
          s.polygons.map((p) => [p.outer, ...p.holes]),
          W,
          H,
        ).forEach((v, i) => (bits[i] |= v));
      } else {
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            bits[y * W + x] |= s.mask.get(Math.floor(x / s.mask.scale), Math.floor(y / s.mask.scale));
      }
    }
    return bits;
  };
  const roi = bitmapOf([1]);
  const exclude = bitmapOf([2]);
  const stained = bitmapOf([3]);
  let analyzed = 0;
  let inside = 0;
  for (let i = 0; i < W * H; i++) {
    if (roi[i] && !exclude[i]) {
      analyzed++;
      if (stained[i]) inside++;
    }
  }
  return { analyzed, stained: inside, stainedClass: stained.reduce((a, b) => a + b, 0) };
}

describe('measurements by class', () => {
  const brush = new TiledMask(W, H);
  brush.paintCapsule(100, 450, 1150, 450, 80, 1); // crosses the exclusion and leaves the ROI
  const coarse = new TiledMask(W, H, 4);
  coarse.paintCapsule(600, 200, 700, 300, 60, 1);
  const shapes: AreaShape[] = [
    { classId: 1, polygons: rect(50, 50, 1000, 850) },
    { classId: 1, polygons: [{ outer: ellipseToRing({ cx: 950, cy: 450, rx: 200, ry: 150 }), holes: [] }] }, // overlaps the first ROI
    { classId: 2, polygons: rect(300, 0, 400, 900) },
    { classId: 3, mask: brush },
    { classId: 3, mask: coarse },
    { classId: 3, polygons: rect(60, 60, 120, 120) },
    { classId: 4, polygons: rect(500, 500, 520, 560) },
  ];

  it('counts the stained part of (ROI minus exclusions) exactly as per-pixel bitmaps do', () => {
    const m = measureByClass(shapes, CLASSES, W, H, null);
    const expected = bruteForce(shapes);
    expect(m.analyzedAreaPx).toBe(expected.analyzed);
    expect(m.stainedAreaPx).toBe(expected.stained);
    expect(m.stainedFraction).toBeCloseTo(expected.stained / expected.analyzed, 15);
    expect(m.classes.find((c) => c.classId === 3)?.areaPx).toBe(expected.stainedClass);
  });

  it('counts overlapping shapes of one class once, and lists every class', () => {
    const m = measureByClass(shapes, CLASSES, W, H, null);
    const roi = m.classes.find((c) => c.classId === 1);
    const union = bruteForce([shapes[0], shapes[1]].map((s) => ({ ...s, classId: 1 }))).analyzed;
    expect(roi).toMatchObject({ shapes: 2, areaPx: union });
    expect(m.roiAreaPx).toBe(union);
    expect(m.classes.find((c) => c.classId === 4)).toMatchObject({ areaPx: 20 * 60, role: null });
    expect(m.classes.map((c) => c.classId)).toEqual([1, 2, 3, 4]);
  });

  it('gives um2 with a calibration, and says why they are missing without one', () => {
    const calibrated = measureByClass(shapes, CLASSES, W, H, 0.5);
    expect(calibrated.analyzedAreaUm2).toBe((calibrated.analyzedAreaPx as number) * 0.25);
    expect(calibrated.classes[3].areaUm2).toBe(1200 * 0.25);
    const uncalibrated = measureByClass(shapes, CLASSES, W, H, null);
    expect(uncalibrated.stainedAreaUm2).toBeNull();
    expect(uncalibrated.unavailable.um2).toContain('not calibrated');
  });

  it('leaves the fraction null with a reason when there is no ROI or it is all excluded', () => {
    const noRoi = measureByClass(
      shapes.filter((s) => s.classId !== 1),
      CLASSES,
      W,
      H,
      1,
    );
    expect(noRoi).toMatchObject({ roiAreaPx: null, analyzedAreaPx: null, stainedFraction: null });
    expect(noRoi.unavailable.stainedFraction).toContain('no region of interest');
    const allExcluded = measureByClass(
      [
        { classId: 1, polygons: rect(0, 0, 100, 100) },
        { classId: 2, polygons: rect(0, 0, 200, 200) },
      ],
      CLASSES,
      W,
      H,
      1,
    );
    expect(allExcluded).toMatchObject({ analyzedAreaPx: 0, stainedFraction: null });
    expect(JSON.stringify([noRoi, allExcluded])).not.toMatch(/NaN|Infinity/);
  });

  it('reads live documents and stored annotations alike', () => {
    const doc = new AnnotationDocument(W, H, [
      {
        id: 'r',
        classId: 1,
        kind: 'rectangle',
        name: '',
        geometry: { type: 'polygons', polygons: rect(0, 0, 600, 600) },
      },
      { id: 'm', classId: 3, kind: 'mask', name: '', geometry: { type: 'mask', mask: brush.encode() } },
      { id: 'p', classId: 4, kind: 'point', name: '', geometry: { type: 'points', points: [5, 5] } },
    ]);
    const live = measureByClass(areaShapesOfDocument(doc), CLASSES, W, H, null);
    const stored = measureByClass(areaShapesOfStored(doc.allStored(), W, H), CLASSES, W, H, null);
    expect(live).toEqual(stored);
    expect(live.stainedAreaPx).toBeGreaterThan(0);
  });

  it('intersects span lists', () => {
    expect(intersectSpans([0, 10, 20, 30], [5, 25])).toEqual([5, 10, 20, 25]);
    expect(intersectSpans([0, 10], [])).toEqual([]);
  });

  it('measures a 16-megapixel image quickly enough for live updates', () => {
    const big = new TiledMask(4096, 4096);
    for (let i = 0; i < 40; i++) big.paintCapsule(100 + i * 95, 200, 300 + i * 90, 3900, 40, 1);
    const bigShapes: AreaShape[] = [
      {
        classId: 1,
        polygons: [{ outer: ellipseToRing({ cx: 2048, cy: 2048, rx: 1900, ry: 1800 }), holes: [] }],
      },
      { classId: 2, polygons: rect(1000, 1000, 1400, 3000) },
      { classId: 3, mask: big },
    ];
    measureByClass(bigShapes, CLASSES, 4096, 4096, 0.5); // warm up
    const start = performance.now();
    const m = measureByClass(bigShapes, CLASSES, 4096, 4096, 0.5);
    const elapsed = performance.now() - start;
    expect(m.stainedFraction).toBeGreaterThan(0);
    // About 60 ms on this 2-core machine; the bound leaves room for a loaded CI runner.
    expect(elapsed).toBeLessThan(400);
  });
});

describe('preparing drawn and imported shapes', () => {
  it('clips a shape drawn partly outside the image', () => {
    const result = prepareOutline(rectangleToRing(-50, -50, 100, 100), W, H);
    expect(result).toMatchObject({ ok: true, value: { clipped: true, repaired: false } });
    expect(result.ok && multiPolygonArea(result.value.polygons)).toBe(100 * 100);
  });

  it('splits a self-crossing lasso, or refuses it when asked to', () => {
    const eight = [100, 100, 300, 300, 300, 100, 100, 300];
    const split = prepareOutline(eight, W, H);
    expect(split).toMatchObject({ ok: true, value: { repaired: true } });
    expect(split.ok && split.value.polygons).toHaveLength(2);
    const refused = prepareOutline(eight, W, H, { repair: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!refused.ok && refused.error.message).toContain('crosses or touches itself near (200, 200)');
  });

  it('refuses degenerate shapes and shapes wholly outside, saying they were not saved', () => {
    const two = prepareOutline([10, 10, 50, 50], W, H);
    expect(!two.ok && two.error.message).toMatch(/at least 3 distinct points.*not saved/);
    const flat = prepareOutline([10, 10, 50, 50, 90, 90], W, H);
    expect(!flat.ok && flat.error.message).toMatch(/no area.*not saved/);
    const outside = prepareOutline(rectangleToRing(2000, 2000, 2100, 2100), W, H);
    expect(!outside.ok && outside.error.message).toContain('outside the image');
    expect(prepareOutline([1, 2, NaN, 4, 5, 6], W, H)).toMatchObject({ ok: false });
  });

  it('separates the parts a concave shape leaves joined along the border after clipping', () => {
    // A U whose arms stick out of the top edge: clipped, it is two arms joined by zero-width bridges.
    const u = [100, -200, 200, -200, 200, 300, 400, 300, 400, -200, 500, -200, 500, 400, 100, 400];
    const result = prepareOutline(u, W, H);
    expect(result.ok && multiPolygonArea(result.value.polygons)).toBe(400 * 400 - 200 * 300);
  });

  it('simplifies freehand strokes with the given tolerance', () => {
    const circle = ellipseToRing({ cx: 500, cy: 400, rx: 200, ry: 200, tolerance: 0.01 });
    const result = prepareOutline(circle, W, H, { simplifyTolerance: 1 });
    expect(result.ok && result.value.polygons[0].outer.length).toBeLessThan(circle.length / 4);
  });

  it('prepares imported polygons with holes, clipping holes too', () => {
    const result = preparePolygons(
      [
        {
          outer: rectangleToRing(-100, 0, 300, 300),
          holes: [rectangleToRing(-50, 50, 50, 150), rectangleToRing(100, 100, 200, 200)],
        },
      ],
      W,
      H,
    );
    expect(result.ok && result.value.polygons[0].holes).toHaveLength(2);
    expect(result.ok && multiPolygonArea(result.value.polygons)).toBe(300 * 300 - 50 * 100 - 100 * 100);
    expect(preparePolygons(rect(5000, 5000, 5100, 5100), W, H)).toMatchObject({ ok: false });
  });
});
