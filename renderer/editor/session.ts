/**
 * One image open in the editor: its annotations (document), their undo history, live measurements and
 * autosave, kept consistent. Every change goes through here, so each one reaches the measurements, the
 * mask renderer (tile events) and autosave (committed changes only) the same way.
 */
import { AnnotationDocument } from '../../shared/annotations/document';
import { AnnotationHistory, type ChangeSummary } from '../../shared/annotations/history';
import type { BeforeTileChange, TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation, ClassRole } from '../../shared/annotations/types';
import type { ImageRecord } from '../../shared/domain';
import { fail, ok, type Result } from '../../shared/result';
import { AreaTally, type Measurements } from './area-tally';
import { Autosave, type SaveState } from './autosave';

export type SessionEvent =
  /** Some tiles of a mask changed (a dab, an undo of a stroke): re-draw just those. */
  | { type: 'tiles'; id: string; keys: Iterable<number> }
  /** Whole annotations changed, appeared or went. */
  | { type: 'annotations'; ids: string[] }
  /** Lock, selection, save state or history depth changed. */
  | { type: 'state' };

export type SessionListener = (event: SessionEvent) => void;

/**
 * saveAnnotationChanges for this image: `adjusted` lists shapes the server stored differently (clipped,
 * split), which replace the editor's copies.
 */
export type SaveChanges = (
  put: Annotation[],
  remove: string[],
) => Promise<Result<{ savedAt: string; adjusted: Annotation[] }>>;

/** An empty mask, the start of a brush stroke on a class that has no mask yet. */
const emptyMask = (): Extract<Annotation['geometry'], { type: 'mask' }> => ({
  type: 'mask',
  mask: { scale: 1, left: 0, top: 0, width: 0, height: 0, counts: [0] },
});

export function newAnnotationId(): string {
  return globalThis.crypto.randomUUID();
}

export class ImageEditSession {
  readonly doc: AnnotationDocument;
  readonly history: AnnotationHistory;
  readonly tally: AreaTally;
  readonly autosave: Autosave;
  private readonly listeners = new Set<SessionListener>();
  private record: ImageRecord;
  private selected: string | null = null;
  /** Masks the open gesture created or painted: any left empty at the end are deleted with it. */
  private maskedInGesture = new Set<string>();
  /** What the open gesture created, and everything it touched. */
  private createdInGesture = new Set<string>();
  private touchedInGesture = new Set<string>();
  /**
   * Mask tiles the open gesture already re-counted and re-drew as it painted them: its commit need not
   * do that again (at the end of a long stroke that is a hundred tiles, a visible hitch).
   */
  private liveTiles = new Map<string, Set<number>>();
  /** Bounds of masks (a full scan of their tiles), kept until the mask changes. */
  private readonly boundsCache = new Map<string, ReturnType<TiledMask['bounds']>>();

  constructor(
    record: ImageRecord,
    stored: readonly Annotation[],
    save: SaveChanges,
    autosaveDelayMs?: number,
  ) {
    this.record = record;
    this.doc = new AnnotationDocument(record.width, record.height, stored);
    this.history = new AnnotationHistory(this.doc);
    this.history.setLocked(record.locked);
    this.tally = new AreaTally(this.doc);
    this.autosave = new Autosave({
      save: async (put, remove) => {
        const saved = await save(put, remove);
        if (saved.ok) this.applyStoredForm(saved.value.adjusted);
        return saved;
      },
      current: (id) => this.doc.toStored(id),
      busy: () => this.history.inGesture,
      onState: () => this.emit({ type: 'state' }),
      delayMs: autosaveDelayMs,
    });
  }

  get image(): ImageRecord {
    return this.record;
  }

  get imageId(): number {
    return this.record.id;
  }

  get locked(): boolean {
    return this.history.isLocked;
  }

  get saveState(): SaveState {
    return this.autosave.current;
  }

  get selectedId(): string | null {
    return this.selected !== null && this.doc.has(this.selected) ? this.selected : null;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A newer record of the image from the server (calibration, lock). */
  updateRecord(record: ImageRecord): void {
    if (record.id !== this.record.id) return;
    this.record = record;
    if (record.locked !== this.history.isLocked) this.setLocked(record.locked);
    this.emit({ type: 'state' });
  }

  setLocked(locked: boolean): void {
    const cancelled = locked && this.history.inGesture ? this.history.cancelGesture() : null;
    this.resetGestureTracking();
    this.history.setLocked(locked);
    this.record = { ...this.record, locked };
    if (cancelled) this.applySummary(cancelled, false);
    this.emit({ type: 'state' });
  }

  select(id: string | null): void {
    if (id === this.selected) return;
    this.selected = id;
    this.emit({ type: 'state' });
  }

  /** A mask's bounds in mask pixels (cached: the selection outline asks on every render). */
  maskBounds(id: string): ReturnType<TiledMask['bounds']> {
    if (!this.boundsCache.has(id)) this.boundsCache.set(id, this.doc.mask(id)?.bounds() ?? null);
    return this.boundsCache.get(id) ?? null;
  }

  measure(roleOf: (classId: number) => ClassRole | undefined): Measurements {
    return this.tally.measure(roleOf);
  }

  // ---- gestures ----

  begin(label: string): Result<null> {
    this.resetGestureTracking();
    const result = this.history.beginGesture(label);
    this.emit({ type: 'state' });
    return result;
  }

  /**
   * Ends the gesture as one undo step (masks it left empty are deleted first) and schedules a save. A
   * gesture whose only trace would be a new mask left empty (a stroke off the image) is cancelled: no
   * step, nothing to save.
   */
  commit(): ChangeSummary | null {
    const empty = [...this.maskedInGesture].filter((id) => this.doc.mask(id)?.isEmpty());
    const onlyEmptyNew = [...this.touchedInGesture].every(
      (id) => empty.includes(id) && this.createdInGesture.has(id),
    );
    if (this.history.inGesture && this.touchedInGesture.size > 0 && onlyEmptyNew) {
      this.cancel();
      return null;
    }
    for (const id of empty) this.history.remove(id);
    const live = this.liveTiles;
    this.resetGestureTracking();
    const summary = this.history.commitGesture();
    if (summary) this.applySummary(summary, true, live);
    this.emit({ type: 'state' });
    return summary;
  }

  /** Escape: the gesture in progress is rolled back; undo and redo stay as they were. */
  cancel(): boolean {
    if (!this.history.inGesture) return false;
    this.resetGestureTracking();
    const summary = this.history.cancelGesture();
    if (summary) this.applySummary(summary, false);
    this.emit({ type: 'state' });
    return true;
  }

  undo(): Result<ChangeSummary> {
    return this.step(this.history.undo());
  }

  redo(): Result<ChangeSummary> {
    return this.step(this.history.redo());
  }

  // ---- changes (inside a gesture, or each one a step of its own) ----

  add(annotation: Annotation): Result<null> {
    const result = this.history.add(annotation);
    if (!result.ok) return result;
    this.track(annotation.id, true);
    if (this.history.inGesture && annotation.geometry.type === 'mask')
      this.maskedInGesture.add(annotation.id);
    this.afterChange(result.value, [annotation.id]);
    return ok(null);
  }

  update(id: string, changes: Partial<Omit<Annotation, 'id'>>): Result<null> {
    const result = this.history.update(id, changes);
    if (!result.ok) return result;
    this.track(id, false);
    this.afterChange(result.value, [id]);
    return ok(null);
  }

  remove(id: string): Result<null> {
    const result = this.history.remove(id);
    if (!result.ok) return result;
    this.track(id, false);
    if (this.selected === id) this.selected = null;
    this.afterChange(result.value, [id]);
    return ok(null);
  }

  /**
   * The mask the brush paints for a class: the selected mask when it has that class, else the topmost
   * mask of the class, else a new empty one (created inside the open gesture, dropped if left empty).
   */
  paintTarget(classId: number): Result<string> {
    const selected = this.selectedId === null ? undefined : this.doc.get(this.selectedId);
    if (selected && selected.classId === classId && selected.geometry.type === 'mask') return ok(selected.id);
    const existing = this.doc
      .values()
      .filter((a) => a.classId === classId && a.geometry.type === 'mask')
      .pop();
    if (existing) return ok(existing.id);
    if (!this.history.inGesture) return fail('CONFLICT', 'Painting starts with a pointer press.');
    const id = newAnnotationId();
    const added = this.add({ id, classId, kind: 'mask', geometry: emptyMask(), name: '' });
    return added.ok ? ok(id) : added;
  }

  /** Mask annotations of a class (what the eraser works on). */
  masksOfClass(classId: number): string[] {
    return this.doc
      .values()
      .filter((a) => a.classId === classId && a.geometry.type === 'mask')
      .map((a) => a.id);
  }

  /**
   * Paints on a mask inside the open gesture; `paint` returns the mask tiles it touched (the TiledMask
   * painting methods do), which are re-counted and re-drawn at once.
   */
  paint(
    id: string,
    paint: (mask: TiledMask, beforeChange: BeforeTileChange) => Iterable<number>,
  ): Result<null> {
    let touched: Iterable<number> = [];
    const result = this.history.paintMask(id, (mask, before) => {
      touched = paint(mask, before);
    });
    if (!result.ok) return result;
    if (this.history.inGesture) this.maskedInGesture.add(id);
    this.track(id, false);
    const keys = [...touched];
    if (this.history.inGesture) {
      const live = this.liveTiles.get(id) ?? new Set<number>();
      keys.forEach((key) => live.add(key));
      this.liveTiles.set(id, live);
    }
    if (keys.length > 0) {
      this.tally.markMaskTiles(id, keys);
      this.emit({ type: 'tiles', id, keys });
    }
    if (result.value) this.applySummary(result.value, true);
    return ok(null);
  }

  /** Annotations stored by someone else (a copy from the paired image) added as one undoable step. */
  addStored(annotations: readonly Annotation[], label: string): Result<number> {
    const fresh = annotations.filter((a) => !this.doc.has(a.id));
    if (fresh.length === 0) return ok(0);
    const begun = this.begin(label);
    if (!begun.ok) return begun;
    for (const annotation of fresh) {
      const added = this.add(annotation);
      if (!added.ok) {
        this.cancel();
        return added;
      }
    }
    this.commit();
    return ok(fresh.length);
  }

  /**
   * The server stored some shapes differently (clipped or split): its form replaces ours, outside the
   * history (undo still returns to what came before the gesture). Skipped mid-gesture; the next save
   * brings the adjustment back.
   */
  applyStoredForm(annotations: readonly Annotation[]): void {
    if (this.history.inGesture || annotations.length === 0) return;
    const ids: string[] = [];
    for (const annotation of annotations) {
      if (!this.doc.has(annotation.id)) continue;
      this.doc.restore(annotation);
      this.tally.markAnnotation(annotation.id);
      ids.push(annotation.id);
    }
    if (ids.length > 0) this.emit({ type: 'annotations', ids });
  }

  /** Saves what is pending now (before a lock, a copy, or leaving the pair). */
  flush(): Promise<boolean> {
    return this.autosave.flush();
  }

  close(): void {
    this.autosave.stop();
    this.listeners.clear();
  }

  private track(id: string, created: boolean): void {
    if (!this.history.inGesture) return;
    this.touchedInGesture.add(id);
    if (created) this.createdInGesture.add(id);
  }

  private resetGestureTracking(): void {
    this.liveTiles = new Map();
    this.maskedInGesture.clear();
    this.createdInGesture.clear();
    this.touchedInGesture.clear();
  }

  private step(result: Result<ChangeSummary>): Result<ChangeSummary> {
    if (result.ok) this.applySummary(result.value, true);
    this.emit({ type: 'state' });
    return result;
  }

  /** After a change outside painting: redraw, re-count, and save when it closed a step of its own. */
  private afterChange(summary: ChangeSummary | null, ids: string[]): void {
    if (summary) {
      this.applySummary(summary, true);
      return;
    }
    ids.forEach((id) => this.tally.markAnnotation(id));
    this.emit({ type: 'annotations', ids });
  }

  private applySummary(summary: ChangeSummary, save: boolean, live?: Map<string, Set<number>>): void {
    const whole: string[] = [];
    for (const change of summary.changes) {
      if (change.tiles === null) {
        this.tally.markAnnotation(change.id);
        whole.push(change.id);
        continue;
      }
      const shown = live?.get(change.id);
      const keys = shown ? change.tiles.filter((key) => !shown.has(key)) : change.tiles;
      if (keys.length === 0) continue;
      this.tally.markMaskTiles(change.id, keys);
      this.emit({ type: 'tiles', id: change.id, keys });
    }
    if (whole.length > 0) this.emit({ type: 'annotations', ids: whole });
    if (save) this.autosave.markChanged(summary.changes.map((c) => c.id));
  }

  private emit(event: SessionEvent): void {
    if (event.type === 'tiles') this.boundsCache.delete(event.id);
    else if (event.type === 'annotations') event.ids.forEach((id) => this.boundsCache.delete(id));
    for (const listener of [...this.listeners]) listener(event);
  }
}
