import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation, EncodedMask } from '../../shared/annotations/types';
import { multiPolygonArea } from '../../shared/geometry/measure';
import type { MultiPolygon } from '../../shared/geometry/types';
import {
  auditRows,
  call,
  must,
  polygonShape,
  rectangle,
  studyWithImages,
  type StudyImages,
} from '../helpers/annotation-study';
import { useTempDirs } from '../helpers/temp-dir';

const polygonsOf = (a: Annotation | undefined): MultiPolygon => {
  if (a?.geometry.type !== 'polygons') throw new Error(`not a polygon annotation: ${JSON.stringify(a)}`);
  return a.geometry.polygons;
};

const maskOf = (a: Annotation | undefined): EncodedMask => {
  if (a?.geometry.type !== 'mask') throw new Error(`not a mask annotation: ${JSON.stringify(a)}`);
  return a.geometry.mask;
};

/** A brush stroke as the editor stores it: a mask at `scale`, cropped and run-length encoded. */
function brushMask(width: number, height: number, scale = 1) {
  const mask = new TiledMask(width, height, scale);
  mask.paintCapsule(20, 20, 90, 60, 9, 1);
  mask.paintCapsule(40, 80, 41, 80, 5, 1);
  mask.paintCapsule(100, 90, 190, 140, 6, 1);
  return mask.encode();
}

describe('annotation editor services (real SQLite study, real sharp images)', () => {
  const tempDir = useTempDirs('dq-annotations-');
  const open: Services[] = [];
  afterEach(() => {
    for (const services of open.splice(0)) services.close();
  });

  async function study(specs = [{ width: 200, height: 150 }]): Promise<StudyImages> {
    const made = await studyWithImages(tempDir(), specs);
    open.push(made.services);
    return made;
  }

  function reopen(dir: string): Services {
    const services = createServices({ studyDir: dir });
    open.push(services);
    return services;
  }

  it('lists the built-in classes, adds and renames classes with unique names; built-in roles stay', async () => {
    const { services } = await study();
    const builtIn = await must(services, 'listAnnotationClasses', {});
    expect(builtIn.map((c) => [c.name, c.role])).toEqual([
      ['Region of interest', 'roi'],
      ['Exclude', 'exclude'],
      ['Stained collagen', 'stained'],
      ['Not stained', 'unstained'],
    ]);
    const elastin = await must(services, 'addAnnotationClass', { name: 'Elastin', colour: '#AA3300' });
    expect(elastin).toMatchObject({ name: 'Elastin', colour: '#aa3300', role: null });

    const clash = await call(services, 'addAnnotationClass', { name: 'elastin', colour: '#000000' });
    expect(clash).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(!clash.ok && clash.error.message).toMatch(/"elastin" is already taken by the class "Elastin"/);

    const exclude = builtIn[1]!;
    const renamed = await must(services, 'updateAnnotationClass', {
      classId: exclude.id,
      name: 'Artefact',
      colour: '#111111',
    });
    expect(renamed).toEqual({ id: exclude.id, name: 'Artefact', colour: '#111111', role: 'exclude' });

    const taken = await call(services, 'updateAnnotationClass', {
      classId: elastin.id,
      name: 'ARTEFACT',
      colour: '#111111',
    });
    expect(taken).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Changing only the case or colour of a class's own name is not a clash.
    await must(services, 'updateAnnotationClass', {
      classId: elastin.id,
      name: 'ELASTIN',
      colour: '#123456',
    });
    expect(
      await call(services, 'updateAnnotationClass', { classId: 999, name: 'X', colour: '#123456' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(services, 'addAnnotationClass', { name: 'Red', colour: 'red' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect((await must(services, 'listAnnotationClasses', {})).map((c) => c.name)).toEqual([
      'Region of interest',
      'Artefact',
      'Stained collagen',
      'Not stained',
      'ELASTIN',
    ]);
  });

  it('saves, reads back, updates and deletes annotations under stable client ids', async () => {
    const { services, dir, images, classes } = await study();
    const imageId = images[0]!.id;
    const dermis = polygonShape(rectangle(10, 10, 120, 90), classes.roi, { name: 'dermis' });
    const fold = polygonShape(rectangle(30, 30, 50, 45), classes.exclude, { kind: 'rectangle' });
    const marks: Annotation = {
      id: randomUUID(),
      classId: classes.stained,
      kind: 'point',
      name: 'fibroblasts',
      geometry: { type: 'points', points: [5, 5, 150.5, 100.25] },
    };
    const scaleBar: Annotation = {
      id: randomUUID(),
      classId: classes.roi,
      kind: 'polyline',
      name: 'scale bar',
      geometry: { type: 'line', points: [150, 140, 190, 140] },
    };
    const saved = await must(services, 'saveAnnotationChanges', {
      imageId,
      put: [dermis, fold, marks, scaleBar],
      remove: [],
    });
    expect(saved).toMatchObject({ count: 4, adjusted: [] });
    expect(Number.isNaN(Date.parse(saved.savedAt))).toBe(false);

    const read = await must(services, 'getImageAnnotations', { imageId });
    expect(read).toEqual({ imageId, locked: false, annotations: [dermis, fold, marks, scaleBar] });

    // Editing keeps the id (and the row): undo/redo patches keyed by it stay valid.
    const rowIdOf = (key: string) => {
      const db = new Database(path.join(dir, 'study.sqlite'), { readonly: true });
      const row = db.prepare('SELECT id FROM annotation WHERE key = ?').get(key) as
        { id: number } | undefined;
      db.close();
      return row?.id;
    };
    const rowBefore = rowIdOf(dermis.id);
    const movedDermis = {
      ...dermis,
      classId: classes.stained,
      name: 'dermis (moved)',
      geometry: {
        type: 'polygons' as const,
        polygons: [{ outer: rectangle(12, 14, 122, 94), holes: [rectangle(60, 40, 70, 50)] }],
      },
    };
    await must(services, 'saveAnnotationChanges', { imageId, put: [movedDermis], remove: [fold.id] });
    expect(rowIdOf(dermis.id)).toBe(rowBefore);
    const after = await must(services, 'getImageAnnotations', { imageId });
    expect(after.annotations).toEqual([movedDermis, marks, scaleBar]);

    // Deleting an id that is already gone (a retried autosave) changes nothing and is not an error.
    expect(
      await must(services, 'saveAnnotationChanges', { imageId, put: [], remove: [fold.id, 'never-saved'] }),
    ).toMatchObject({ count: 0 });
    expect((await must(services, 'getImageAnnotations', { imageId })).annotations).toHaveLength(3);
  });

  it('refuses unknown images and classes, repeated ids and an id of another image, saving nothing', async () => {
    const { services, images, classes } = await study([
      { width: 200, height: 150 },
      { width: 200, height: 150 },
    ]);
    const [first, second] = images.map((i) => i.id) as [number, number];
    expect(await call(services, 'getImageAnnotations', { imageId: 404 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no image with id 404 in this study.' },
    });
    const good = polygonShape(rectangle(0, 0, 10, 10), classes.roi);
    expect(
      await call(services, 'saveAnnotationChanges', { imageId: 404, put: [good], remove: [] }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const unknownClass = await call(services, 'saveAnnotationChanges', {
      imageId: first,
      put: [good, polygonShape(rectangle(0, 0, 10, 10), 77)],
      remove: [],
    });
    expect(unknownClass).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!unknownClass.ok && unknownClass.error.message).toMatch(/no annotation class with id 77/);

    const twice = await call(services, 'saveAnnotationChanges', {
      imageId: first,
      put: [good, good],
      remove: [],
    });
    expect(!twice.ok && twice.error.message).toMatch(/appears twice/);
    const putAndRemove = await call(services, 'saveAnnotationChanges', {
      imageId: first,
      put: [good],
      remove: [good.id],
    });
    expect(!putAndRemove.ok && putAndRemove.error.code).toBe('INVALID_INPUT');
    expect((await must(services, 'getImageAnnotations', { imageId: first })).annotations).toEqual([]);

    await must(services, 'saveAnnotationChanges', { imageId: first, put: [good], remove: [] });
    const stolen = await call(services, 'saveAnnotationChanges', {
      imageId: second,
      put: [good],
      remove: [],
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(!stolen.ok && stolen.error.message).toMatch(/already belongs to another image/);
    // Removing that id from the other image does not touch the first image's annotation.
    await must(services, 'saveAnnotationChanges', { imageId: second, put: [], remove: [good.id] });
    expect((await must(services, 'getImageAnnotations', { imageId: first })).annotations).toEqual([good]);
  });

  it('clips shapes partly outside the image and splits a self-crossing outline, and says so', async () => {
    const { services, images, classes } = await study();
    const imageId = images[0]!.id;
    const overhang = polygonShape([-50, 20, 80, 20, 80, 200, -50, 200], classes.roi);
    const figureEight = polygonShape([10, 10, 50, 50, 50, 10, 10, 50], classes.exclude, { kind: 'freehand' });
    const inside = polygonShape(rectangle(100, 10, 150, 60), classes.roi);
    const saved = await must(services, 'saveAnnotationChanges', {
      imageId,
      put: [overhang, figureEight, inside],
      remove: [],
    });
    expect(saved.adjusted.map((a) => a.id)).toEqual([overhang.id, figureEight.id]);

    const stored = (await must(services, 'getImageAnnotations', { imageId })).annotations;
    const byId = new Map(stored.map((a) => [a.id, a]));
    const clipped = polygonsOf(byId.get(overhang.id));
    expect(clipped).toEqual(polygonsOf(saved.adjusted[0]));
    // Only the part inside the 200 x 150 image is kept: x 0..80, y 20..150.
    expect(multiPolygonArea(clipped)).toBe(80 * 130);
    for (const polygon of clipped) {
      for (let i = 0; i < polygon.outer.length; i += 2) {
        expect(polygon.outer[i]).toBeGreaterThanOrEqual(0);
        expect(polygon.outer[i + 1]).toBeLessThanOrEqual(150);
      }
    }
    // Both lobes of the figure eight are kept (nonzero rule), as two simple triangles of 400 px2 each.
    const lobes = polygonsOf(byId.get(figureEight.id));
    expect(lobes).toHaveLength(2);
    expect(multiPolygonArea(lobes)).toBeCloseTo(800, 9);
    expect(byId.get(inside.id)).toEqual(inside);
  });

  it('refuses degenerate shapes, shapes off the image and outlines that enclose nothing, saving none of the batch', async () => {
    const { services, images, classes } = await study();
    const imageId = images[0]!.id;
    const good = polygonShape(rectangle(10, 10, 40, 40), classes.roi);
    const cases: [Annotation, RegExp][] = [
      [polygonShape([1, 1, 30, 30], classes.roi), /needs at least 3 distinct points; it has 2/],
      [polygonShape([0, 0, 10, 10, 20, 20], classes.roi), /encloses no area \(its points lie on one line\)/],
      [
        polygonShape(rectangle(300, 300, 400, 400), classes.roi),
        /lies wholly outside the 200 x 150 px image/,
      ],
      [
        // Round and back along the same outline: the windings cancel, nothing is enclosed.
        polygonShape([10, 10, 50, 10, 50, 50, 10, 50, 10, 10, 10, 50, 50, 50, 50, 10], classes.roi),
        /encloses no area once split where it crosses itself/,
      ],
      [
        {
          id: randomUUID(),
          classId: classes.roi,
          kind: 'polyline',
          name: '',
          geometry: { type: 'line', points: [5, 5, 5, 5] },
        },
        /at least 2 distinct points/,
      ],
      [
        {
          id: randomUUID(),
          classId: classes.roi,
          kind: 'point',
          name: '',
          geometry: { type: 'points', points: [10, 10, 250, 10] },
        },
        /\(250, 10\) lies outside the 200 x 150 px image/,
      ],
    ];
    for (const [shape, message] of cases) {
      const result = await call(services, 'saveAnnotationChanges', {
        imageId,
        put: [good, shape],
        remove: [],
      });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('INVALID_INPUT');
      expect(result.error.message).toMatch(message);
      expect(result.error.message).toMatch(/on image-0\.png cannot be saved/);
      expect(result.error.message).toMatch(/Nothing was saved\.$/);
    }
    // The schema refuses a kind that does not fit its geometry before the service runs.
    const mismatch = await call(services, 'saveAnnotationChanges', {
      imageId,
      put: [{ ...good, kind: 'mask' }],
      remove: [],
    });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await must(services, 'getImageAnnotations', { imageId })).annotations).toEqual([]);
  });

  it('stores brush masks exactly, and refuses masks overhanging the image or empty', async () => {
    const { services, images, classes } = await study();
    const imageId = images[0]!.id;
    const fine: Annotation = {
      id: randomUUID(),
      classId: classes.stained,
      kind: 'mask',
      name: '',
      geometry: { type: 'mask', mask: brushMask(200, 150) },
    };
    const coarse: Annotation = {
      ...fine,
      id: randomUUID(),
      geometry: { type: 'mask', mask: brushMask(200, 150, 4) },
    };
    expect(fine.geometry.type === 'mask' && fine.geometry.mask.width).toBeGreaterThan(70);
    await must(services, 'saveAnnotationChanges', { imageId, put: [fine, coarse], remove: [] });
    const read = (await must(services, 'getImageAnnotations', { imageId })).annotations;
    expect(read).toEqual([fine, coarse]);
    const decoded = TiledMask.decode(maskOf(read[0]!), 200, 150);
    expect(decoded.get(20, 20)).toBe(1);
    expect(decoded.get(150, 140)).toBe(0);

    const overhang = { left: 195, top: 0, width: 10, height: 1, counts: [0, 10], scale: 1 };
    const refused = await call(services, 'saveAnnotationChanges', {
      imageId,
      put: [{ ...fine, id: randomUUID(), geometry: { type: 'mask', mask: overhang } }],
      remove: [],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!refused.ok && refused.error.message).toMatch(/outside the 200 x 150 px image/);
    const empty = { left: 0, top: 0, width: 0, height: 0, counts: [0], scale: 1 };
    const emptied = await call(services, 'saveAnnotationChanges', {
      imageId,
      put: [{ ...fine, geometry: { type: 'mask', mask: empty } }],
      remove: [],
    });
    expect(!emptied.ok && emptied.error.message).toMatch(/mask is empty/);
    // Runs that do not add up to the declared box are refused by the schema.
    const broken = await call(services, 'saveAnnotationChanges', {
      imageId,
      put: [{ ...fine, geometry: { type: 'mask', mask: { ...overhang, left: 0, counts: [0, 9] } } }],
      remove: [],
    });
    expect(!broken.ok && broken.error.message).toMatch(/runs do not add up/);
    expect((await must(services, 'getImageAnnotations', { imageId })).annotations).toEqual([fine, coarse]);
  });

  it('locks an image against edits and records lock and unlock with their reasons', async () => {
    const { services, dir, images, classes } = await study([
      { width: 200, height: 150 },
      { width: 200, height: 150 },
    ]);
    const [imageId, otherId] = images.map((i) => i.id) as [number, number];
    const shape = polygonShape(rectangle(10, 10, 60, 60), classes.roi);
    await must(services, 'saveAnnotationChanges', { imageId, put: [shape], remove: [] });
    const events: unknown[] = [];
    services.onEvent((name, payload) => events.push([name, payload]));

    const locked = await must(services, 'setImageLock', { imageId, locked: true, reason: 'measured, final' });
    expect(locked).toMatchObject({ id: imageId, locked: true });
    expect(events).toEqual([
      ['study-changed', { reason: 'image-locked' }],
      ['annotations-changed', { imageId }],
    ]);
    // Locking again changes nothing and records nothing.
    await must(services, 'setImageLock', { imageId, locked: true, reason: 'again' });

    const moved = {
      ...shape,
      geometry: { type: 'polygons' as const, polygons: [{ outer: rectangle(0, 0, 5, 5), holes: [] }] },
    };
    for (const [method, input] of [
      ['saveAnnotationChanges', { imageId, put: [moved], remove: [] }],
      ['saveAnnotationChanges', { imageId, put: [], remove: [shape.id] }],
      ['copyAnnotations', { fromImageId: otherId, toImageId: imageId, classIds: [classes.roi] }],
      ['setCalibration', { imageId, umPerPx: 0.5, source: 'typed' }],
    ] as const) {
      const result = await call(services, method, input as never);
      expect(result).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
      expect(!result.ok && result.error.message).toMatch(/image-0\.png is locked/);
    }
    const still = await must(services, 'getImageAnnotations', { imageId });
    expect(still).toEqual({ imageId, locked: true, annotations: [shape] });

    await must(services, 'setImageLock', { imageId, locked: false, reason: 'fold missed in the ROI' });
    await must(services, 'saveAnnotationChanges', { imageId, put: [moved], remove: [] });
    expect(auditRows(dir)).toEqual([
      { kind: 'image-locked', entityId: imageId, detail: { reason: 'measured, final' } },
      { kind: 'image-unlocked', entityId: imageId, detail: { reason: 'fold missed in the ROI' } },
    ]);
    // Nothing was announced for the refused edits or the second lock; then the unlock and the save.
    expect(events).toEqual([
      ['study-changed', { reason: 'image-locked' }],
      ['annotations-changed', { imageId }],
      ['study-changed', { reason: 'image-unlocked' }],
      ['annotations-changed', { imageId }],
      ['annotations-changed', { imageId }],
    ]);
  });

  it('copies the chosen classes to the paired image under new ids, clipped to its size', async () => {
    const { services, images, classes } = await study([
      { width: 200, height: 150 },
      { width: 120, height: 100 },
    ]);
    const [before, after] = images.map((i) => i.id) as [number, number];
    const roi = polygonShape(rectangle(20, 20, 180, 140), classes.roi, { name: 'dermis' });
    const outsideAfter = polygonShape(rectangle(150, 110, 190, 140), classes.roi);
    const exclusion = polygonShape(rectangle(30, 30, 40, 40), classes.exclude);
    const stain: Annotation = {
      id: randomUUID(),
      classId: classes.stained,
      kind: 'mask',
      name: '',
      geometry: { type: 'mask', mask: brushMask(200, 150) },
    };
    await must(services, 'saveAnnotationChanges', {
      imageId: before,
      put: [roi, outsideAfter, exclusion, stain],
      remove: [],
    });

    const copied = await must(services, 'copyAnnotations', {
      fromImageId: before,
      toImageId: after,
      classIds: [classes.roi, classes.stained],
    });
    // The ROI lying wholly beyond the smaller image is left out.
    expect(copied).toEqual({ copied: 2 });
    const onAfter = (await must(services, 'getImageAnnotations', { imageId: after })).annotations;
    expect(onAfter.map((a) => a.classId)).toEqual([classes.roi, classes.stained]);
    const sourceIds = new Set([roi.id, outsideAfter.id, exclusion.id, stain.id]);
    for (const a of onAfter) expect(sourceIds.has(a.id)).toBe(false);
    expect(onAfter[0]).toMatchObject({ name: 'dermis', kind: 'polygon' });
    expect(multiPolygonArea(polygonsOf(onAfter[0]))).toBe(100 * 80);
    // The stroke is cut at the 120 x 100 border; pixels inside it are the same as on the source.
    const source = TiledMask.decode(maskOf(stain), 200, 150);
    const target = TiledMask.decode(maskOf(onAfter[1]!), 120, 100);
    let expected = 0;
    for (let y = 0; y < 100; y++) for (let x = 0; x < 120; x++) expected += source.get(x, y);
    expect(target.count()).toBe(expected);
    expect(target.count()).toBeLessThan(source.count());
    // The source is untouched.
    expect((await must(services, 'getImageAnnotations', { imageId: before })).annotations).toEqual([
      roi,
      outsideAfter,
      exclusion,
      stain,
    ]);
    // Copying twice gives independent copies (new ids again).
    await must(services, 'copyAnnotations', {
      fromImageId: before,
      toImageId: after,
      classIds: [classes.roi],
    });
    const again = (await must(services, 'getImageAnnotations', { imageId: after })).annotations;
    expect(new Set(again.map((a) => a.id)).size).toBe(3);

    expect(
      await call(services, 'copyAnnotations', {
        fromImageId: before,
        toImageId: before,
        classIds: [classes.roi],
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(
      await call(services, 'copyAnnotations', { fromImageId: before, toImageId: after, classIds: [999] }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(
      await call(services, 'copyAnnotations', {
        fromImageId: before,
        toImageId: 404,
        classIds: [classes.roi],
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('applies one calibration to several images, records where it was set, and refuses all if one is locked', async () => {
    const { services, dir, images } = await study([
      { width: 60, height: 40 },
      { width: 60, height: 40 },
      { width: 60, height: 40 },
    ]);
    const [a, b, c] = images.map((i) => i.id) as [number, number, number];
    const events: unknown[] = [];
    services.onEvent((name, payload) => events.push([name, payload]));
    const result = await must(services, 'setCalibration', {
      imageId: a,
      umPerPx: 0.4991,
      source: 'scale-bar',
      alsoImageIds: [b, c, a, b],
    });
    expect(result).toMatchObject({ id: a, umPerPx: 0.4991, calibrationSource: 'scale-bar' });
    const view = await must(services, 'getStudy', {});
    const all = view!.subjects.flatMap((s) => s.timepoints.flatMap((t) => t.images));
    expect(all.map((i) => [i.id, i.umPerPx, i.calibrationSource])).toEqual([
      [a, 0.4991, 'scale-bar'],
      [b, 0.4991, 'scale-bar'],
      [c, 0.4991, 'scale-bar'],
    ]);
    expect(events).toEqual([['study-changed', { reason: 'calibration-changed' }]]);
    const to = { umPerPx: 0.4991, source: 'scale-bar' };
    const from = { umPerPx: null, source: null };
    expect(auditRows(dir)).toEqual([
      { kind: 'calibration-changed', entityId: a, detail: { from, to } },
      { kind: 'calibration-changed', entityId: b, detail: { from, to, appliedFromImageId: a } },
      { kind: 'calibration-changed', entityId: c, detail: { from, to, appliedFromImageId: a } },
    ]);

    await must(services, 'setImageLock', { imageId: c, locked: true, reason: '' });
    const refused = await call(services, 'setCalibration', {
      imageId: a,
      umPerPx: 0.25,
      source: 'typed',
      alsoImageIds: [b, c],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(!refused.ok && refused.error.message).toMatch(/image-2\.png is locked.*Nothing was changed/);
    expect(
      await call(services, 'setCalibration', {
        imageId: a,
        umPerPx: 0.25,
        source: 'typed',
        alsoImageIds: [404],
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const unchanged = (await must(services, 'getStudy', {}))!.subjects[0]!.timepoints.flatMap(
      (t) => t.images,
    );
    expect(unchanged.map((i) => i.umPerPx)).toEqual([0.4991, 0.4991, 0.4991]);
    expect(auditRows(dir)).toHaveLength(4); // the three calibrations and the lock
  });

  it('shows everything as saved when the study is opened again', async () => {
    const { services, dir, images, classes } = await study([
      { width: 200, height: 150 },
      { width: 200, height: 150 },
    ]);
    const [imageId, pairedId] = images.map((i) => i.id) as [number, number];
    const elastin = await must(services, 'addAnnotationClass', { name: 'Elastin', colour: '#336699' });
    const shapes: Annotation[] = [
      polygonShape(rectangle(10, 10, 150, 120), classes.roi, { name: 'dermis' }),
      polygonShape(rectangle(20, 20, 30, 30), elastin.id, { kind: 'ellipse' }),
      {
        id: randomUUID(),
        classId: classes.stained,
        kind: 'mask',
        name: '',
        geometry: { type: 'mask', mask: brushMask(200, 150, 2) },
      },
    ];
    await must(services, 'saveAnnotationChanges', { imageId, put: shapes, remove: [] });
    await must(services, 'copyAnnotations', {
      fromImageId: imageId,
      toImageId: pairedId,
      classIds: [classes.roi],
    });
    await must(services, 'setCalibration', {
      imageId,
      umPerPx: 0.5,
      source: 'scale-bar',
      alsoImageIds: [pairedId],
    });
    await must(services, 'setImageLock', { imageId, locked: true, reason: 'done' });
    const classesBefore = await must(services, 'listAnnotationClasses', {});
    const pairedBefore = await must(services, 'getImageAnnotations', { imageId: pairedId });
    services.close();
    open.splice(open.indexOf(services), 1);

    const again = reopen(dir);
    expect(await must(again, 'getImageAnnotations', { imageId })).toEqual({
      imageId,
      locked: true,
      annotations: shapes,
    });
    expect(await must(again, 'getImageAnnotations', { imageId: pairedId })).toEqual(pairedBefore);
    expect(await must(again, 'listAnnotationClasses', {})).toEqual(classesBefore);
    const view = await must(again, 'getStudy', {});
    const stored = view!.subjects[0]!.timepoints.flatMap((t) => t.images);
    expect(stored.map((i) => [i.umPerPx, i.calibrationSource, i.locked])).toEqual([
      [0.5, 'scale-bar', true],
      [0.5, 'scale-bar', false],
    ]);
  });
});
