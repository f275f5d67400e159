/**
 * An image open in the editor (renderer/editor/session.ts) saving through the real services into a
 * real SQLite study: autosave after each gesture and never mid-gesture, Escape leaves no trace, undo is
 * saved like any change, empty masks are deleted, a lock refuses edits, and a reopened image shows
 * exactly what was drawn.
 */
import { describe, expect, it } from 'vitest';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation } from '../../shared/annotations/types';
import type { ImageRecord } from '../../shared/domain';
import { rectangleToRing } from '../../shared/geometry/shapes';
import { ImageEditSession, newAnnotationId } from '../../renderer/editor/session';
import { call, must, studyWithImages, type StudyImages } from '../helpers/annotation-study';
import { useTempDirs } from '../helpers/temp-dir';

const DELAY_MS = 20;
const tempDir = useTempDirs('dq-editor-session-');

async function open(study: StudyImages, image: ImageRecord): Promise<ImageEditSession> {
  const stored = await must(study.services, 'getImageAnnotations', { imageId: image.id });
  return new ImageEditSession(
    { ...image, locked: stored.locked },
    stored.annotations,
    (put, remove) => call(study.services, 'saveAnnotationChanges', { imageId: image.id, put, remove }),
    DELAY_MS,
  );
}

const storedIds = async (study: StudyImages, image: ImageRecord) =>
  (await must(study.services, 'getImageAnnotations', { imageId: image.id })).annotations
    .map((a) => a.id)
    .sort();

const settle = () => new Promise((resolve) => setTimeout(resolve, DELAY_MS * 5));

const rectangle = (classId: number, x0: number, y0: number, x1: number, y1: number): Annotation => ({
  id: newAnnotationId(),
  classId,
  kind: 'rectangle',
  name: '',
  geometry: { type: 'polygons', polygons: [{ outer: rectangleToRing(x0, y0, x1, y1), holes: [] }] },
});

/** One brush stroke through the session, as the brush gesture does it. */
function stroke(session: ImageEditSession, classId: number, points: number[], radius: number, value: 0 | 1) {
  session.begin(value ? 'paint' : 'erase');
  const targets = value
    ? [(session.paintTarget(classId) as { ok: true; value: string }).value]
    : session.masksOfClass(classId);
  for (let i = 0; i + 3 < points.length; i += 2) {
    for (const id of targets)
      session.paint(id, (mask, before) =>
        mask.paintCapsule(points[i]!, points[i + 1]!, points[i + 2]!, points[i + 3]!, radius, value, before),
      );
  }
  return session.commit();
}

describe('editor session with autosave to the study', () => {
  it('saves a gesture after it ends, never while it is open', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 600, height: 400 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    session.begin('rectangle');
    const shape = rectangle(study.classes.roi, 10, 10, 200, 150);
    expect(session.add(shape).ok).toBe(true);
    await settle();
    expect(await storedIds(study, image)).toEqual([]);
    expect(session.saveState.status).toBe('saved');
    session.commit();
    expect(session.saveState.status).toBe('pending');
    await expect.poll(() => session.saveState.status).toBe('saved');
    expect(await storedIds(study, image)).toEqual([shape.id]);
    study.services.close();
  });

  it('leaves nothing behind after Escape, and keeps undo and redo as they were', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 600, height: 400 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    const first = rectangle(study.classes.roi, 10, 10, 100, 100);
    session.add(first);
    session.undo();
    expect(session.history.stats).toMatchObject({ undo: 0, redo: 1 });
    session.begin('polygon');
    session.add(rectangle(study.classes.exclude, 50, 50, 80, 80));
    expect(session.undo().ok).toBe(false); // refused mid-gesture
    expect(session.cancel()).toBe(true);
    expect(session.doc.size).toBe(0);
    expect(session.history.stats).toMatchObject({ undo: 0, redo: 1 });
    expect(session.tally.measure(() => 'roi').classes.every((c) => c.px === 0)).toBe(true);
    await settle();
    expect(await storedIds(study, image)).toEqual([]);
    study.services.close();
  });

  it('saves an undo as a deletion and a redo as the shape again', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 600, height: 400 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    const shape = rectangle(study.classes.roi, 10, 10, 300, 200);
    session.add(shape);
    await expect.poll(() => storedIds(study, image)).toEqual([shape.id]);
    session.undo();
    await expect.poll(() => storedIds(study, image)).toEqual([]);
    session.redo();
    await expect.poll(() => storedIds(study, image)).toEqual([shape.id]);
    study.services.close();
  });

  it('stores a brush stroke as a mask and reopens it pixel for pixel, with the same measurements', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 900, height: 700 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    session.add(rectangle(study.classes.roi, 50, 50, 850, 650));
    stroke(session, study.classes.stained, [100, 100, 500, 300, 800, 600], 25, 1);
    stroke(session, study.classes.stained, [300, 150, 300, 400], 10, 0);
    await expect.poll(() => session.saveState.status).toBe('saved');
    const roles = new Map(
      Object.entries(study.classes).map(([role, id]) => [id, role as 'roi' | 'exclude' | 'stained']),
    );
    const measured = session.measure((id) => roles.get(id));
    expect(measured.stainedPx).toBeGreaterThan(0);

    const reopened = await open(study, image);
    expect(reopened.doc.size).toBe(2);
    const [maskId] = reopened.masksOfClass(study.classes.stained);
    expect(reopened.doc.toStored(maskId!)).toEqual(session.doc.toStored(maskId!));
    expect(reopened.measure((id) => roles.get(id))).toEqual(measured);
    study.services.close();
  });

  it('drops a stroke that painted nothing and deletes a mask erased to nothing', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 400, height: 300 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    // Wholly outside the image: no mask, no undo step.
    stroke(session, study.classes.stained, [-100, -100, -50, -80], 10, 1);
    expect(session.doc.size).toBe(0);
    expect(session.history.stats.undo).toBe(0);
    stroke(session, study.classes.stained, [100, 100, 150, 120], 10, 1);
    await expect.poll(() => storedIds(study, image)).toHaveLength(1);
    stroke(session, study.classes.stained, [100, 100, 150, 120], 30, 0);
    expect(session.doc.size).toBe(0);
    await expect.poll(() => storedIds(study, image)).toEqual([]);
    expect(session.saveState.status).toBe('saved');
    // Undo brings the painted mask back, and it is saved again.
    session.undo();
    await expect.poll(() => storedIds(study, image)).toHaveLength(1);
    study.services.close();
  });

  it('refuses edits on a locked image, and reports a save the server refused without losing it', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 400, height: 300 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    // Locked elsewhere (another window): this session does not know yet, so its save is refused.
    await must(study.services, 'setImageLock', { imageId: image.id, locked: true });
    const shape = rectangle(study.classes.roi, 10, 10, 100, 100);
    session.add(shape);
    await expect.poll(() => session.saveState.status).toBe('error');
    const state = session.saveState;
    expect(state.status === 'error' && state.error.code).toBe('LOCKED');
    expect(session.doc.has(shape.id)).toBe(true);

    // The newer record arrives: the session is locked and refuses the next change.
    session.updateRecord({ ...image, locked: true });
    const refused = session.begin('brush');
    expect(!refused.ok && refused.error.code).toBe('LOCKED');
    expect(session.undo().ok).toBe(false);

    // Unlocked: the change kept from before goes with the next save.
    const unlocked = await must(study.services, 'setImageLock', { imageId: image.id, locked: false });
    session.updateRecord(unlocked);
    const second = rectangle(study.classes.exclude, 20, 20, 60, 60);
    session.add(second);
    await expect.poll(() => storedIds(study, image)).toEqual([shape.id, second.id].sort());
    expect(session.saveState.status).toBe('saved');
    study.services.close();
  });

  it('adds annotations copied from the other image as one undoable step', async () => {
    const study = await studyWithImages(tempDir(), [
      { width: 500, height: 400 },
      { width: 500, height: 400 },
    ]);
    const [before, after] = study.images as [ImageRecord, ImageRecord];
    const source = await open(study, before);
    source.add(rectangle(study.classes.roi, 20, 20, 300, 200));
    expect(await source.flush()).toBe(true);
    await must(study.services, 'copyAnnotations', {
      fromImageId: before.id,
      toImageId: after.id,
      classIds: [study.classes.roi],
    });
    const target = await open(study, after);
    expect(target.doc.size).toBe(1);
    // A target opened before the copy takes the new shapes in from the server.
    const stale = new ImageEditSession(
      after,
      [],
      (put, remove) => call(study.services, 'saveAnnotationChanges', { imageId: after.id, put, remove }),
      DELAY_MS,
    );
    const fresh = await must(study.services, 'getImageAnnotations', { imageId: after.id });
    expect(stale.addStored(fresh.annotations, 'copy')).toEqual({ ok: true, value: 1 });
    expect(stale.history.stats.undo).toBe(1);
    stale.undo();
    expect(stale.doc.size).toBe(0);
    study.services.close();
  });

  it('takes the stored form of a shape the server clipped', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 400, height: 300 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    const overhanging = rectangle(study.classes.roi, 300, 200, 500, 400);
    session.add(overhanging);
    await expect.poll(() => session.saveState.status).toBe('saved');
    const geometry = session.doc.get(overhanging.id)!.geometry;
    expect(
      geometry.type === 'polygons' && geometry.polygons[0]!.outer.every((v, i) => v <= (i % 2 ? 300 : 400)),
    ).toBe(true);
    expect(session.measure(() => 'roi').classes[0]!.px).toBe(100 * 100);
    study.services.close();
  });

  it('keeps a mask edit to the tiles it touched (no whole-mask copy in the history)', async () => {
    const study = await studyWithImages(tempDir(), [{ width: 2000, height: 2000 }]);
    const image = study.images[0]!;
    const session = await open(study, image);
    const big = new TiledMask(2000, 2000);
    big.paintCapsule(100, 1000, 1900, 1000, 600, 1);
    session.add({
      id: newAnnotationId(),
      classId: study.classes.stained,
      kind: 'mask',
      name: '',
      geometry: { type: 'mask', mask: big.encode() },
    });
    const bytesBefore = session.history.stats.bytes;
    const summary = stroke(session, study.classes.stained, [1000, 1000, 1010, 1005], 5, 0);
    expect(summary?.changes[0]?.tiles).toHaveLength(1);
    expect(session.history.stats.bytes - bytesBefore).toBeLessThan(4096);
    await expect.poll(() => session.saveState.status).toBe('saved');
    study.services.close();
  });
});
