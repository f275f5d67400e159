/**
 * What the editor asks of the services: loading a pair, locking, copying the region of interest to
 * the paired image, detecting stain in a region, calibrating from a scale bar, adding a class. Each
 * answer is reported in the editor's status line in words a user can act on.
 */
import type { ApiClient } from '../../shared/api';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation } from '../../shared/annotations/types';
import type { Result } from '../../shared/result';
import { formatUmPerPx } from '../study/format';
import type { Side } from '../viewer/pair-cameras';
import { umPerPxFromLine } from './calibration';
import { ImageEditSession, newAnnotationId } from './session';
import type { PairEditorStore } from './store';

const ROLE_NAME = ['Before', 'After'] as const;
export const sideName = (side: Side): string => ROLE_NAME[side];
const other = (side: Side): Side => (side === 0 ? 1 : 0);

/** Classes and both images' annotations; each image fails or loads on its own. */
export async function loadPair(
  store: PairEditorStore,
  api: ApiClient,
  isCurrent: () => boolean,
): Promise<void> {
  const classes = await api.listAnnotationClasses({});
  if (!isCurrent()) return;
  if (classes.ok) store.setClasses(classes.value);
  else {
    store.classesError = classes.error;
    store.changed();
  }
  await Promise.all(
    ([0, 1] as const).map(async (side) => {
      const record = store.records[side];
      const result = await api.getImageAnnotations({ imageId: record.id });
      if (!isCurrent()) return;
      if (!result.ok) {
        store.setSlot(side, { status: 'failed', error: result.error });
        return;
      }
      // The lock comes with the annotations: the newest word on it.
      const session = new ImageEditSession(
        { ...store.records[side], locked: result.value.locked },
        result.value.annotations,
        (put, remove) => api.saveAnnotationChanges({ imageId: record.id, put, remove }),
      );
      store.setSlot(side, { status: 'ready', session });
    }),
  );
}

/**
 * Resolves once no gesture is open on the image: a result that arrives while the user is drawing (a
 * detection, a copy) must become a step of its own, not part of their stroke.
 */
export async function whenIdle(session: ImageEditSession): Promise<void> {
  while (session.history.inGesture) await new Promise((resolve) => setTimeout(resolve, 50));
}

export function report<T>(
  store: PairEditorStore,
  result: Result<T>,
  success?: string,
): result is { ok: true; value: T } {
  if (!result.ok) {
    store.flash('error', result.error.message);
    return false;
  }
  if (success) store.flash('success', success);
  return true;
}

export function undoOrRedo(store: PairEditorStore, which: 'undo' | 'redo'): void {
  const session = store.session(store.activeSide);
  if (!session) return;
  const result = which === 'undo' ? session.undo() : session.redo();
  if (!result.ok) store.flash(result.error.code === 'NOT_FOUND' ? 'info' : 'error', result.error.message);
}

export function deleteSelected(store: PairEditorStore): void {
  const session = store.session(store.activeSide);
  const id = session?.selectedId;
  if (!session || !id) return;
  report(store, session.remove(id));
}

export function changeClassOfSelected(store: PairEditorStore, side: Side, classId: number): void {
  const session = store.session(side);
  const id = session?.selectedId;
  if (!session || !id) return;
  report(store, session.update(id, { classId }));
}

export async function setLock(
  store: PairEditorStore,
  api: ApiClient,
  side: Side,
  locked: boolean,
): Promise<void> {
  const session = store.session(side);
  if (!session) return;
  store.controllers[side]?.cancel();
  store.setBusy(side, locked ? 'Locking…' : 'Unlocking…');
  // What was drawn before the lock is saved first; a lock must not strand unsaved work.
  if (locked && !(await session.flush())) {
    store.setBusy(side, null);
    store.flash(
      'error',
      'The latest changes could not be saved, so the image was not locked. See the save status.',
    );
    return;
  }
  const result = await api.setImageLock({ imageId: session.imageId, locked, reason: '' });
  store.setBusy(side, null);
  if (!result.ok) return void report(store, result);
  session.updateRecord(result.value);
  store.flash(
    'success',
    locked
      ? `${sideName(side)} image locked: its annotations cannot be changed until it is unlocked.`
      : `${sideName(side)} image unlocked.`,
  );
}

/** Copies the region(s) of interest to the other image of the pair, as one undoable step there. */
export async function copyRoi(store: PairEditorStore, api: ApiClient, from: Side): Promise<void> {
  const to = other(from);
  const source = store.session(from);
  const target = store.session(to);
  const roi = store.classes.filter((c) => c.role === 'roi').map((c) => c.id);
  if (!source || !target) return;
  if (roi.length === 0)
    return void store.flash('error', 'This study has no region-of-interest class to copy.');
  if (!source.doc.values().some((a) => roi.includes(a.classId)))
    return void store.flash(
      'error',
      `The ${sideName(from)} image has no region of interest yet: draw one first.`,
    );
  if (target.locked)
    return void store.flash(
      'error',
      `The ${sideName(to)} image is locked: unlock it to copy the region of interest onto it.`,
    );
  store.setBusy(from, 'Copying…');
  try {
    if (!(await source.flush()) || !(await target.flush()))
      return void store.flash(
        'error',
        'Unsaved changes could not be saved first, so nothing was copied. See the save status.',
      );
    const copied = await api.copyAnnotations({
      fromImageId: source.imageId,
      toImageId: target.imageId,
      classIds: roi,
    });
    if (!report(store, copied)) return;
    const fresh = await api.getImageAnnotations({ imageId: target.imageId });
    if (!report(store, fresh)) return;
    await whenIdle(target);
    const added = target.addStored(fresh.value.annotations, 'copy region of interest');
    if (!report(store, added)) return;
    const n = copied.value.copied;
    store.flash(
      'success',
      n === 0
        ? `Nothing was copied: the region of interest lies outside the ${sideName(to)} image.`
        : `Copied ${n} region${n === 1 ? '' : 's'} of interest to the ${sideName(to)} image.`,
    );
  } finally {
    store.setBusy(from, null);
  }
}

/** Runs the stain analysis inside a drawn region and adds the result as an editable mask. */
export async function detectInRegion(
  store: PairEditorStore,
  api: ApiClient,
  side: Side,
  regionId: string,
): Promise<void> {
  const session = store.session(side);
  const region = session?.doc.get(regionId);
  const stained = store.classWithRole('stained');
  if (!session || !region) return;
  if (region.geometry.type !== 'polygons')
    return void store.flash(
      'error',
      'Detection runs inside an outlined region: click inside a polygon, rectangle or ellipse.',
    );
  if (!stained)
    return void store.flash('error', 'This study has no class for stained areas to put the result in.');
  if (session.locked)
    return void store.flash(
      'error',
      'This image is locked against edits. Unlock it to change its annotations.',
    );
  store.setBusy(side, 'Detecting stain…');
  try {
    // One mask for the whole region, even when the region has several parts.
    let combined: TiledMask | null = null;
    let stainedPx = 0;
    for (const polygon of region.geometry.polygons) {
      const result = await api.detectStainInRegion({ imageId: session.imageId, region: polygon });
      if (!report(store, result)) return;
      stainedPx += result.value.stainedPx;
      const part = TiledMask.decode(result.value.mask, session.doc.imageWidth, session.doc.imageHeight);
      if (combined && combined.scale !== part.scale)
        return void store.flash(
          'error',
          'The detected parts came back at different scales and cannot be combined.',
        );
      if (combined) combined.combine(part, 'union');
      else combined = part;
    }
    if (!combined || combined.isEmpty())
      return void store.flash(
        'info',
        'No stain was found in this region with the study’s analysis settings.',
      );
    const annotation: Annotation = {
      id: newAnnotationId(),
      classId: stained.id,
      kind: 'mask',
      geometry: { type: 'mask', mask: combined.encode() },
      name: 'Detected in region',
    };
    await whenIdle(session);
    if (!report(store, session.add(annotation))) return;
    session.select(annotation.id);
    store.flash(
      'success',
      `Detected ${stainedPx.toLocaleString('en-US')} stained pixels; the mask can be edited with the brush and eraser.`,
    );
  } finally {
    store.setBusy(side, null);
  }
}

/**
 * The typed length of the drawn scale-bar line calibrates the image, and with it `alsoImageIds` (the
 * paired image, the same objective's images or the whole study, as chosen in the form).
 */
export async function applyCalibration(
  store: PairEditorStore,
  api: ApiClient,
  lengthUmText: string,
  alsoImageIds: readonly number[],
): Promise<boolean> {
  const pending = store.calibration;
  if (!pending) return false;
  const computed = umPerPxFromLine(lengthUmText, pending.lengthPx);
  if (!report(store, computed)) return false;
  const side = pending.side;
  const result = await api.setCalibration({
    imageId: store.records[side].id,
    umPerPx: computed.value,
    source: 'scale-bar',
    alsoImageIds: alsoImageIds.length > 0 ? [...alsoImageIds] : undefined,
  });
  if (!report(store, result)) return false;
  const records: typeof store.records = [...store.records];
  records[side] = result.value;
  const otherSide = other(side);
  const pairedToo = alsoImageIds.includes(records[otherSide].id);
  if (pairedToo)
    records[otherSide] = {
      ...records[otherSide],
      umPerPx: result.value.umPerPx,
      calibrationSource: 'scale-bar',
    };
  store.updateRecords(records);
  store.setCalibration(null);
  const n = alsoImageIds.length;
  const which =
    n === 0
      ? `The ${sideName(side)} image`
      : n === 1 && pairedToo
        ? 'Both images'
        : `The ${sideName(side)} image and ${n} other${n === 1 ? '' : 's'}`;
  store.flash('success', `${which} calibrated: ${formatUmPerPx(computed.value)} from the scale bar.`);
  return true;
}

export async function addClass(
  store: PairEditorStore,
  api: ApiClient,
  name: string,
  colour: string,
): Promise<boolean> {
  const result = await api.addAnnotationClass({ name, colour });
  if (!report(store, result)) return false;
  store.setClasses([...store.classes, result.value]);
  store.setActiveClass(result.value.id);
  return true;
}

/**
 * Renames and/or recolours a class. Answers null when saved, else the message to show beside the
 * class (a name taken meanwhile comes back from the server as CONFLICT, in words).
 */
export async function updateClass(
  store: PairEditorStore,
  api: ApiClient,
  classId: number,
  name: string,
  colour: string,
): Promise<string | null> {
  const result = await api.updateAnnotationClass({ classId, name: name.trim(), colour });
  if (!result.ok) return result.error.message;
  store.replaceClass(result.value);
  store.flash('success', `Class “${result.value.name}” saved.`);
  return null;
}
