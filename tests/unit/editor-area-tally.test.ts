/**
 * The live measurements (renderer/editor/area-tally.ts) against a brute-force count over every pixel:
 * class areas as unions, ROI minus exclusions, masks at scale 1 and coarser, and incremental updates
 * after adds, edits, deletes and brush strokes, on an image whose size is not a multiple of the tile.
 * Then the speed on a 16-megapixel image, the editor's target.
 */
import { describe, expect, it } from 'vitest';
import { AnnotationDocument } from '../../shared/annotations/document';
import { AnnotationHistory, type ChangeSummary } from '../../shared/annotations/history';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation, ClassRole } from '../../shared/annotations/types';
import { rasterizePolygons } from '../../shared/geometry/rasterize';
import { ellipseToRing, rectangleToRing } from '../../shared/geometry/shapes';
import { AreaTally, type Measurements } from '../../renderer/editor/area-tally';

const ROI = 1;
const EXCLUDE = 2;
const STAINED = 3;
const USER = 7;
const ROLES = new Map<number, ClassRole>([
  [ROI, 'roi'],
  [EXCLUDE, 'exclude'],
  [STAINED, 'stained'],
  [USER, null],
]);
const roleOf = (id: number) => ROLES.get(id);

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Every pixel's classes, counted the slow and obvious way. */
function bruteForce(doc: AnnotationDocument): Measurements {
  const W = doc.imageWidth;
  const H = doc.imageHeight;
  const perClass = new Map<number, Uint8Array>();
  for (const a of doc.values()) {
    let bits: Uint8Array | null = null;
    if (a.geometry.type === 'polygons') {
      bits = rasterizePolygons(
        a.geometry.polygons.map((p) => [p.outer, ...p.holes]),
        W,
        H,
      );
    } else if (a.geometry.type === 'mask') {
      const mask = a.geometry.mask;
      bits = new Uint8Array(W * H);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          bits[y * W + x] = mask.get(Math.floor(x / mask.scale), Math.floor(y / mask.scale));
    }
    if (!bits) continue;
    const union = perClass.get(a.classId) ?? new Uint8Array(W * H);
    for (let i = 0; i < bits.length; i++) union[i] |= bits[i]!;
    perClass.set(a.classId, union);
  }
  const of = (id: number) => perClass.get(id);
  const count = (bits: Uint8Array | undefined) => (bits ? bits.reduce((n, v) => n + v, 0) : 0);
  const roi = of(ROI);
  const hasRoi = count(roi) > 0;
  let analysed = 0;
  let stained = 0;
  for (let i = 0; i < W * H; i++) {
    const inside = (hasRoi ? roi![i] : 1) && !of(EXCLUDE)?.[i];
    if (!inside) continue;
    analysed++;
    if (of(STAINED)?.[i]) stained++;
  }
  return {
    imagePx: W * H,
    classes: [...perClass].map(([classId, bits]) => ({ classId, px: count(bits) })),
    hasRoi,
    analysedPx: analysed,
    stainedPx: stained,
    stainedFraction: analysed > 0 ? stained / analysed : null,
    unmeasuredClassIds: [],
  };
}

const byClass = (m: Measurements) =>
  Object.fromEntries(m.classes.filter((c) => c.px > 0).map((c) => [c.classId, c.px]));

function expectSame(tally: AreaTally, doc: AnnotationDocument) {
  const fast = tally.measure(roleOf);
  const slow = bruteForce(doc);
  expect(byClass(fast)).toEqual(byClass(slow));
  expect(fast.hasRoi).toBe(slow.hasRoi);
  expect(fast.analysedPx).toBe(slow.analysedPx);
  expect(fast.stainedPx).toBe(slow.stainedPx);
}

const polygon = (id: string, classId: number, outer: number[], holes: number[][] = []): Annotation => ({
  id,
  classId,
  kind: 'polygon',
  name: '',
  geometry: { type: 'polygons', polygons: [{ outer, holes }] },
});

/** What the session does with each history summary. */
function follow(tally: AreaTally, summary: ChangeSummary | null) {
  for (const change of summary?.changes ?? []) {
    if (change.tiles === null) tally.markAnnotation(change.id);
    else tally.markMaskTiles(change.id, change.tiles);
  }
}

describe('live measurements', () => {
  const W = 700;
  const H = 530;

  it('counts class unions, the ROI minus exclusions, and stain inside them, like a pixel-by-pixel count', () => {
    const stainedMask = new TiledMask(W, H, 1);
    stainedMask.paintCapsule(100, 100, 600, 400, 40, 1);
    const coarse = new TiledMask(W, H, 3);
    coarse.paintCapsule(50, 450, 650, 480, 25, 1);
    const doc = new AnnotationDocument(W, H, [
      polygon('roi-a', ROI, ellipseToRing({ cx: 300, cy: 260, rx: 260, ry: 200 })),
      // Overlaps the first ROI: the union counts once.
      polygon('roi-b', ROI, rectangleToRing(400, 100, 690, 520)),
      polygon('excl', EXCLUDE, rectangleToRing(250.5, 200.25, 330.75, 300.5), [
        rectangleToRing(270, 220, 290, 240),
      ]),
      {
        id: 'paint',
        classId: STAINED,
        kind: 'mask',
        name: '',
        geometry: { type: 'mask', mask: stainedMask.encode() },
      },
      {
        id: 'coarse',
        classId: STAINED,
        kind: 'mask',
        name: '',
        geometry: { type: 'mask', mask: coarse.encode() },
      },
      polygon('mark', USER, [10, 10, 60, 20, 30, 70]),
    ]);
    const tally = new AreaTally(doc);
    expectSame(tally, doc);
    const m = tally.measure(roleOf);
    expect(m.hasRoi).toBe(true);
    expect(m.stainedFraction).toBeGreaterThan(0);
    expect(m.stainedFraction).toBeLessThan(1);
  });

  it('measures against the whole image minus exclusions when there is no region of interest', () => {
    const doc = new AnnotationDocument(W, H, [
      polygon('excl', EXCLUDE, rectangleToRing(0, 0, 100, 100)),
      polygon('stain', STAINED, rectangleToRing(50, 50, 150, 150)),
    ]);
    const m = new AreaTally(doc).measure(roleOf);
    expect(m.hasRoi).toBe(false);
    expect(m.analysedPx).toBe(W * H - 100 * 100);
    expect(m.stainedPx).toBe(100 * 100 - 50 * 50);
    expect(new AreaTally(new AnnotationDocument(W, H)).measure(roleOf).stainedFraction).toBe(0);
  });

  it('stays exact through random adds, edits, deletes, brush strokes, erasing, undo and redo', () => {
    const random = seeded(42);
    const doc = new AnnotationDocument(W, H);
    const history = new AnnotationHistory(doc);
    const tally = new AreaTally(doc);
    const ids: string[] = [];
    const brush = 'brush';
    follow(
      tally,
      (
        history.add({
          id: brush,
          classId: STAINED,
          kind: 'mask',
          name: '',
          geometry: { type: 'mask', mask: new TiledMask(W, H).encode() },
        }) as { value: ChangeSummary | null }
      ).value,
    );
    for (let step = 0; step < 40; step++) {
      const choice = random();
      const x = random() * W;
      const y = random() * H;
      if (choice < 0.3) {
        const id = `p${step}`;
        const classId = [ROI, EXCLUDE, STAINED, USER][Math.floor(random() * 4)]!;
        const ring =
          random() < 0.5
            ? rectangleToRing(x, y, x + random() * 300 - 150, y + random() * 300 - 150)
            : ellipseToRing({ cx: x, cy: y, rx: 10 + random() * 150, ry: 10 + random() * 150 });
        const added = history.add(
          polygon(
            id,
            classId,
            ring.map((v, i) => Math.min(i % 2 ? H : W, Math.max(0, v))),
          ),
        );
        if (added.ok) {
          ids.push(id);
          follow(tally, added.value);
        }
      } else if (choice < 0.45 && ids.length > 0) {
        const id = ids[Math.floor(random() * ids.length)]!;
        const next =
          random() < 0.5
            ? { classId: [ROI, EXCLUDE, STAINED][Math.floor(random() * 3)]! }
            : {
                geometry: polygon(id, 1, rectangleToRing(x, y, Math.min(W, x + 80), Math.min(H, y + 60)))
                  .geometry,
              };
        const updated = history.update(id, next);
        if (updated.ok) follow(tally, updated.value);
      } else if (choice < 0.55 && ids.length > 0) {
        const id = ids.splice(Math.floor(random() * ids.length), 1)[0]!;
        const removed = history.remove(id);
        if (removed.ok) follow(tally, removed.value);
      } else if (choice < 0.85) {
        // A stroke of a few dabs, counted dab by dab as the editor does mid-stroke.
        history.beginGesture('paint');
        let [ax, ay] = [x, y];
        const value = random() < 0.7 ? 1 : 0;
        for (let dab = 0; dab < 4; dab++) {
          const [bx, by] = [ax + random() * 200 - 100, ay + random() * 200 - 100];
          let touched: Set<number> = new Set();
          history.paintMask(brush, (mask, before) => {
            touched = mask.paintCapsule(ax, ay, bx, by, 5 + random() * 40, value, before);
          });
          tally.markMaskTiles(brush, touched);
          [ax, ay] = [bx, by];
        }
        follow(tally, history.commitGesture());
      } else if (choice < 0.95) {
        const undone = history.undo();
        if (undone.ok) follow(tally, undone.value);
      } else {
        const redone = history.redo();
        if (redone.ok) follow(tally, redone.value);
      }
      if (step % 5 === 4) expectSame(tally, doc);
    }
    expectSame(tally, doc);
  });
});

describe('live measurements on a 16-megapixel image', () => {
  const W = 4096;
  const H = 4096;

  it('updates within the editor’s 100 ms after a brush dab and after a region edit', () => {
    const roiRing = ellipseToRing({ cx: 2048, cy: 2048, rx: 1900, ry: 1700 });
    const doc = new AnnotationDocument(W, H, [
      polygon('roi', ROI, roiRing),
      polygon('excl', EXCLUDE, rectangleToRing(1000, 1000, 1600, 1500)),
    ]);
    const history = new AnnotationHistory(doc);
    const stained = new TiledMask(W, H);
    for (let i = 0; i < 40; i++) stained.paintCapsule(300 + i * 90, 400, 600 + i * 80, 3700, 35, 1);
    history.add({
      id: 'stain',
      classId: STAINED,
      kind: 'mask',
      name: '',
      geometry: { type: 'mask', mask: stained.encode() },
    });

    let start = performance.now();
    const tally = new AreaTally(doc);
    const first = tally.measure(roleOf);
    const fullMs = performance.now() - start;
    expect(first.hasRoi).toBe(true);

    // One dab mid-stroke: count the tiles it touched.
    const dabTimes: number[] = [];
    history.beginGesture('paint');
    for (let i = 0; i < 30; i++) {
      let touched: Set<number> = new Set();
      history.paintMask('stain', (mask, before) => {
        touched = mask.paintCapsule(2000 + i * 10, 2000, 2010 + i * 10, 2005, 30, 1, before);
      });
      start = performance.now();
      tally.markMaskTiles('stain', touched);
      tally.measure(roleOf);
      dabTimes.push(performance.now() - start);
    }
    history.commitGesture();

    // Moving the exclusion re-counts the tiles it left and the tiles it reached.
    start = performance.now();
    const moved = history.update('excl', {
      geometry: polygon('x', EXCLUDE, rectangleToRing(2500, 2500, 3100, 3000)).geometry,
    });
    if (moved.ok) follow(tally, moved.value);
    const afterMove = tally.measure(roleOf);
    const editMs = performance.now() - start;

    // Replacing the whole region of interest: every tile under it.
    start = performance.now();
    const grown = history.update('roi', {
      geometry: polygon('r', ROI, ellipseToRing({ cx: 2048, cy: 2048, rx: 2000, ry: 1900 })).geometry,
    });
    if (grown.ok) follow(tally, grown.value);
    tally.measure(roleOf);
    const roiMs = performance.now() - start;

    const worstDab = Math.max(...dabTimes);
    console.log(
      `[editor] 16 MP tally: full ${fullMs.toFixed(1)} ms, dab max ${worstDab.toFixed(2)} ms (median ${dabTimes.sort((a, b) => a - b)[15]!.toFixed(2)}), exclusion moved ${editMs.toFixed(1)} ms, ROI replaced ${roiMs.toFixed(1)} ms`,
    );
    expect(afterMove.analysedPx).toBeGreaterThan(0);
    expect(worstDab).toBeLessThan(20);
    expect(editMs).toBeLessThan(100);
    expect(roiMs).toBeLessThan(250);
  });
});
