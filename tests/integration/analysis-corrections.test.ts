/**
 * Manual corrections through the services with a real study (real SQLite, real sharp): analyzeImage reads
 * the "Stained collagen" and "Not stained" marks from the image's stored annotations, applies them last
 * and records them; the worker threads give the same bits as this thread.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../main/services';
import { analyzeImageFile } from '../../main/services/analysis/analyze-file';
import { findPreset } from '../../shared/analysis/presets';
import type { AnalysisRegion } from '../../shared/analysis/region';
import { encodeRuns } from '../../shared/annotations/rle';
import type { Annotation, EncodedMask } from '../../shared/annotations/types';
import { call, must, polygonShape, rectangle, studyWithImages } from '../helpers/annotation-study';
import { makeSlide, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { useTempDirs } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];
const PROTOCOL = { threshold: { method: 'fixed', od: 0.3 }, tissue: 'none' } as const;

/** A checkerboard mask of 4 x 4 px squares: mask pixel (i, j) set when i + j is even. */
function checkerMask(left: number, top: number, width: number, height: number): EncodedMask {
  const bits: number[] = [];
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) bits.push((i + j) % 2 === 0 ? 1 : 0);
  return { scale: 4, left, top, width, height, counts: encodeRuns(bits) };
}

const maskShape = (mask: EncodedMask, classId: number): Annotation =>
  ({
    id: `mask-${classId}-${mask.left}`,
    classId,
    kind: 'mask',
    name: '',
    geometry: { type: 'mask', mask },
  }) as Annotation;

/** Image pixels of a rectangle [x0, x1) x [y0, y1) and of a checker mask, as a predicate. */
const inRect = (r: number[], x: number, y: number) => x >= r[0]! && x < r[1]! && y >= r[2]! && y < r[3]!;
const inChecker = (m: EncodedMask, x: number, y: number) => {
  const i = Math.floor(x / 4) - m.left;
  const j = Math.floor(y / 4) - m.top;
  return i >= 0 && j >= 0 && i < m.width && j < m.height && (i + j) % 2 === 0;
};

describe('manual corrections in analyzeImage (real study)', () => {
  const tempDir = useTempDirs('dermaquant-corrections-');
  const slide = makeSlide({
    width: 240,
    height: 170,
    target: purple,
    counter: pink,
    blobs: randomBlobs(240, 170, 22, 9),
    noise: 1,
  });
  const open: Services[] = [];
  beforeAll(() => ensureMainBuilt(), 120_000);
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  // Rectangles as [x0, x1, y0, y1]; the added and removed areas overlap (the removal wins there).
  const addRect = [20, 120, 30, 70];
  const removeRect = [100, 200, 50, 120];
  const addMask = checkerMask(5, 25, 12, 10); // image [20, 68) x [100, 140)
  const removeMask = checkerMask(45, 5, 10, 8); // image [180, 220) x [20, 52)

  async function studyWithMarks() {
    const study = await studyWithImages(tempDir(), [
      { width: slide.width, height: slide.height, rgb: slide.rgb },
    ]);
    open.push(study.services);
    const { services, classes } = study;
    const image = study.images[0]!;
    const marks = [
      polygonShape(rectangle(addRect[0]!, addRect[2]!, addRect[1]!, addRect[3]!), classes.stained),
      maskShape(addMask, classes.stained),
      polygonShape(
        rectangle(removeRect[0]!, removeRect[2]!, removeRect[1]!, removeRect[3]!),
        classes.unstained,
      ),
      maskShape(removeMask, classes.unstained),
    ];
    await must(services, 'saveAnnotationChanges', { imageId: image.id, put: marks, remove: [] });
    return { ...study, image, marks };
  }

  /** Added and removed pixels by hand (every pixel analysed: tissue 'none'; automatic = the painted truth). */
  function expected() {
    let added = 0;
    let removed = 0;
    for (let y = 0; y < slide.height; y++) {
      for (let x = 0; x < slide.width; x++) {
        const stained = slide.truth[y * slide.width + x] === 1;
        const remove = inRect(removeRect, x, y) || inChecker(removeMask, x, y);
        const add = !remove && (inRect(addRect, x, y) || inChecker(addMask, x, y));
        if (add && !stained) added++;
        if (remove && stained) removed++;
      }
    }
    return { added, removed };
  }

  it('applies the stored marks last, records them in the stored measurement, and can leave them out', async () => {
    const { services, dir, image, marks } = await studyWithMarks();
    const { added, removed } = expected();
    expect(added).toBeGreaterThan(500);
    expect(removed).toBeGreaterThan(500);

    const record = await must(services, 'analyzeImage', { imageId: image.id, protocol: PROTOCOL });
    expect(record.measurement).toMatchObject({
      stainedAreaPx: slide.truthCount + added - removed,
      analyzedAreaPx: slide.width * slide.height,
      manualAddedPx: added,
      manualRemovedPx: removed,
    });
    expect(record.corrections).toEqual({
      applied: true,
      stainedMarks: [marks[0]!.id, marks[1]!.id],
      notStainedMarks: [marks[2]!.id, marks[3]!.id],
    });

    // Without corrections: the automatic figure, recorded as such.
    const automatic = await must(services, 'analyzeImage', {
      imageId: image.id,
      protocol: PROTOCOL,
      applyCorrections: false,
    });
    expect(automatic.measurement).toMatchObject({
      stainedAreaPx: slide.truthCount,
      manualAddedPx: 0,
      manualRemovedPx: 0,
    });
    expect(automatic.corrections).toEqual({ applied: false, stainedMarks: [], notStainedMarks: [] });

    // What the study stores: the changed pixels in the result, the marks used in the parameters.
    const db = new Database(path.join(dir, 'study.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT params, result FROM measurement ORDER BY id').all() as {
        params: string;
        result: string;
      }[];
      const stored = rows.map((r) => ({
        params: JSON.parse(r.params) as { corrections: unknown },
        result: JSON.parse(r.result) as Record<string, unknown>,
      }));
      expect(stored[0]!.params.corrections).toEqual(record.corrections);
      expect(stored[0]!.result).toMatchObject({ manualAddedPx: added, manualRemovedPx: removed });
      expect(stored[1]!.params.corrections).toEqual(automatic.corrections);
      expect(stored[1]!.result).toMatchObject({ manualAddedPx: 0, manualRemovedPx: 0 });
    } finally {
      db.close();
    }
  });

  it('takes the marks from the study, not from the caller, and follows edits of them', async () => {
    const { services, image, marks } = await studyWithMarks();
    const { added, removed } = expected();
    // Marks sent by a caller are not part of the contract: they are dropped, the stored ones count.
    const smuggled = await call(services, 'analyzeImage', {
      imageId: image.id,
      protocol: PROTOCOL,
      region: {
        include: null,
        removeStained: [[rectangle(0, 0, slide.width, slide.height)]],
      } as never,
    });
    expect(smuggled.ok && smuggled.value.measurement.stainedAreaPx).toBe(slide.truthCount + added - removed);

    // Deleting the "Not stained" marks: only the additions remain.
    await must(services, 'saveAnnotationChanges', {
      imageId: image.id,
      put: [],
      remove: [marks[2]!.id, marks[3]!.id],
    });
    const onlyAdded = await must(services, 'analyzeImage', { imageId: image.id, protocol: PROTOCOL });
    expect(onlyAdded.measurement.manualRemovedPx).toBe(0);
    expect(onlyAdded.measurement.manualAddedPx).toBeGreaterThanOrEqual(added);
    expect(onlyAdded.corrections.notStainedMarks).toEqual([]);
  });

  it('gives bit-identical results with the marks for 0 to 3 worker threads and any band height', async () => {
    const { dir } = await studyWithMarks();
    // The PNG studyWithImages imported, beside the study folder.
    const file = path.join(path.dirname(dir), 'image-0.png');
    const region: AnalysisRegion = {
      include: [[rectangle(8, 6, 230, 160)]],
      exclude: [[rectangle(150, 10, 170, 40)]],
      addStained: [[rectangle(addRect[0]!, addRect[2]!, addRect[1]!, addRect[3]!)]],
      addStainedMasks: [addMask],
      removeStained: [[rectangle(removeRect[0]!, removeRect[2]!, removeRect[1]!, removeRect[3]!)]],
      removeStainedMasks: [removeMask],
    };
    const protocol = {
      threshold: { method: 'otsu' },
      smoothing: { sigma: 1.2, unit: 'px' },
      minObjectArea: 15,
      maxHoleArea: 25,
    } as const;
    const run = async (workers: number, bandRows?: number) => {
      const r = await analyzeImageFile(file, protocol, { workers, bandRows, region });
      return { params: r.params, measurement: r.measurement };
    };
    const reference = await run(0);
    expect(reference.measurement.manualAddedPx).toBeGreaterThan(0);
    expect(reference.measurement.manualRemovedPx).toBeGreaterThan(0);
    for (const [workers, rows] of [
      [0, 3],
      [1, undefined],
      [2, 1],
      [3, 7],
      [2, 64],
    ] as const) {
      expect(await run(workers, rows)).toEqual(reference);
    }
  });
});
