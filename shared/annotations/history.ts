/**
 * Per-image undo and redo of annotation changes, as patches keyed by annotation id (tldraw's diffs,
 * Excalidraw's capture rules):
 *
 * - A pointer gesture (one brush stroke, one polygon drawn, one drag of a vertex) is one entry: the
 *   editor calls `beginGesture` on pointer down and `commitGesture` on pointer up. A change made outside
 *   a gesture (delete key, class change) is an entry of its own.
 * - `cancelGesture` (Escape) rolls the gesture back and leaves undo and redo as they were.
 * - Committing a change clears redo; a gesture that changed nothing leaves redo alone.
 * - Undo and redo are refused while a gesture is open, and every change is refused on a locked image.
 * - A mask patch holds only the tiles the gesture changed, before and after, run-length encoded.
 * - Memory is bounded by a number of entries and a number of bytes; the oldest entries go first.
 *
 * The camera is view state and never passes through here. Autosave is separate: each summary says which
 * annotations changed, and an undo is just another change to save.
 */
import { fail, ok, type Result } from '../result';
import { cloneSnapshot, type AnnotationDocument, type AnnotationSnapshot } from './document';
import { restoreTile, snapshotTile } from './rle';
import { TILE_AREA, type BeforeTileChange, type TiledMask } from './tiled-mask';
import { GEOMETRY_OF_KIND, type Annotation } from './types';

export interface TilePatch {
  key: number;
  /** The tile's runs before and after the change; null = the tile was (or became) empty. */
  before: Uint32Array | null;
  after: Uint32Array | null;
}

export type Patch =
  | { op: 'add'; id: string; position: number; after: AnnotationSnapshot }
  | { op: 'delete'; id: string; position: number; before: AnnotationSnapshot }
  | { op: 'update'; id: string; before: AnnotationSnapshot; after: AnnotationSnapshot }
  | { op: 'tiles'; id: string; tiles: TilePatch[] };

export interface HistoryEntry {
  label: string;
  patches: Patch[];
  bytes: number;
}

/** What a change touched: whole annotations (tiles null) or only some tiles of a mask. */
export interface ChangeSummary {
  label: string;
  changes: { id: string; tiles: number[] | null }[];
}

export interface HistoryLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxEntries: 200, maxBytes: 64 * 1024 * 1024 };

export function invertPatch(patch: Patch): Patch {
  switch (patch.op) {
    case 'add':
      return { op: 'delete', id: patch.id, position: patch.position, before: patch.after };
    case 'delete':
      return { op: 'add', id: patch.id, position: patch.position, after: patch.before };
    case 'update':
      return { op: 'update', id: patch.id, before: patch.after, after: patch.before };
    case 'tiles':
      return {
        op: 'tiles',
        id: patch.id,
        tiles: patch.tiles.map((t) => ({ key: t.key, before: t.after, after: t.before })),
      };
  }
}

export function applyPatch(doc: AnnotationDocument, patch: Patch): void {
  switch (patch.op) {
    case 'add':
      doc.restore(patch.after, patch.position);
      return;
    case 'delete':
      doc.remove(patch.id);
      return;
    case 'update':
      doc.restore(patch.after);
      return;
    case 'tiles': {
      const mask = doc.mask(patch.id);
      if (!mask) throw new Error(`history: annotation ${patch.id} has no mask to patch`);
      for (const tile of patch.tiles)
        mask.putTile(tile.key, tile.after && restoreTile(tile.after, TILE_AREA));
    }
  }
}

const summarise = (label: string, patches: readonly Patch[]): ChangeSummary => {
  const byId = new Map<string, Set<number> | null>();
  for (const p of patches) {
    if (p.op !== 'tiles') byId.set(p.id, null);
    else if (byId.get(p.id) !== null) {
      const keys = byId.get(p.id) ?? new Set<number>();
      p.tiles.forEach((t) => keys.add(t.key));
      byId.set(p.id, keys);
    }
  }
  return { label, changes: [...byId].map(([id, keys]) => ({ id, tiles: keys ? [...keys] : null })) };
};

function snapshotBytes(s: AnnotationSnapshot): number {
  const g = s.geometry;
  const numbers =
    g.type === 'mask'
      ? g.mask.counts.length
      : g.type === 'polygons'
        ? g.polygons.reduce((n, p) => n + p.outer.length + p.holes.reduce((m, h) => m + h.length, 0), 0)
        : g.points.length;
  return 8 * numbers + 128;
}

function patchBytes(p: Patch): number {
  switch (p.op) {
    case 'add':
      return snapshotBytes(p.after);
    case 'delete':
      return snapshotBytes(p.before);
    case 'update':
      return snapshotBytes(p.before) + snapshotBytes(p.after);
    case 'tiles':
      return p.tiles.reduce((n, t) => n + (t.before?.byteLength ?? 0) + (t.after?.byteLength ?? 0) + 32, 32);
  }
}

const sameRuns = (a: Uint32Array | null, b: Uint32Array | null): boolean =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]));

/** Tiles a gesture is painting on one mask: their state before the gesture's first touch. */
interface OpenMaskEdit {
  patch: { op: 'tiles'; id: string; tiles: TilePatch[] };
  mask: TiledMask;
  before: Map<number, Uint32Array | null>;
}

interface Gesture {
  label: string;
  patches: Patch[];
  openMasks: Map<string, OpenMaskEdit>;
}

export class AnnotationHistory {
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private gesture: Gesture | null = null;
  private locked = false;
  private readonly limits: HistoryLimits;

  constructor(
    readonly doc: AnnotationDocument,
    limits: Partial<HistoryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_HISTORY_LIMITS, ...limits };
  }

  get canUndo(): boolean {
    return this.gesture === null && !this.locked && this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.gesture === null && !this.locked && this.redoStack.length > 0;
  }

  get inGesture(): boolean {
    return this.gesture !== null;
  }

  /** Undo and redo depth and the bytes they hold (for the status bar and the tests). */
  get stats(): { undo: number; redo: number; bytes: number } {
    const bytes = [...this.undoStack, ...this.redoStack].reduce((n, e) => n + e.bytes, 0);
    return { undo: this.undoStack.length, redo: this.redoStack.length, bytes };
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Locks or unlocks the image; an open gesture is cancelled first so nothing half-drawn stays. */
  setLocked(locked: boolean): void {
    if (locked) this.cancelGesture();
    this.locked = locked;
  }

  /**
   * Opens a gesture. A gesture still open (a pointer-up the editor never saw) is committed first, so no
   * change is ever lost between two gestures.
   */
  beginGesture(label: string): Result<null> {
    if (this.locked) return this.lockedRefusal();
    if (this.gesture) this.commitGesture();
    this.gesture = { label, patches: [], openMasks: new Map() };
    return ok(null);
  }

  /** Closes the gesture as one undo entry; null when it changed nothing (redo is then kept). */
  commitGesture(): ChangeSummary | null {
    const gesture = this.gesture;
    if (!gesture) return null;
    this.closeMaskEdits(gesture);
    this.gesture = null;
    const patches = gesture.patches.filter((p) => p.op !== 'tiles' || p.tiles.length > 0);
    if (patches.length === 0) return null;
    this.redoStack = [];
    this.undoStack.push({
      label: gesture.label,
      patches,
      bytes: patches.reduce((n, p) => n + patchBytes(p), 0),
    });
    this.trim();
    return summarise(gesture.label, patches);
  }

  /** Escape: rolls the open gesture back. Undo and redo stay exactly as they were. */
  cancelGesture(): ChangeSummary | null {
    const gesture = this.gesture;
    if (!gesture) return null;
    this.closeMaskEdits(gesture);
    this.gesture = null;
    const inverse = gesture.patches.map(invertPatch).reverse();
    inverse.forEach((p) => applyPatch(this.doc, p));
    return inverse.length > 0 ? summarise(`cancel ${gesture.label}`, inverse) : null;
  }

  undo(): Result<ChangeSummary> {
    return this.move(this.undoStack, this.redoStack, 'undo');
  }

  redo(): Result<ChangeSummary> {
    return this.move(this.redoStack, this.undoStack, 'redo');
  }

  /** Adds a new annotation on top of the others. */
  add(annotation: Annotation): Result<ChangeSummary | null> {
    if (this.doc.has(annotation.id)) {
      return fail('CONFLICT', `An annotation with id ${annotation.id} already exists on this image.`);
    }
    const mismatch = this.kindMismatch(annotation);
    if (mismatch) return mismatch;
    return this.record('add shape', () => ({
      op: 'add',
      id: annotation.id,
      position: this.doc.size,
      after: cloneSnapshot(annotation),
    }));
  }

  /** Replaces an annotation's class, name, kind or geometry (fields not given stay). */
  update(id: string, changes: Partial<Omit<Annotation, 'id'>>): Result<ChangeSummary | null> {
    const current = this.doc.toStored(id);
    if (!current) return this.unknown(id);
    const next: Annotation = { ...current, ...changes, id };
    const mismatch = this.kindMismatch(next);
    if (mismatch) return mismatch;
    return this.record('edit shape', () => ({
      op: 'update',
      id,
      before: current,
      after: cloneSnapshot(next),
    }));
  }

  remove(id: string): Result<ChangeSummary | null> {
    const current = this.doc.toStored(id);
    if (!current) return this.unknown(id);
    return this.record('delete shape', () => ({
      op: 'delete',
      id,
      position: this.doc.indexOf(id),
      before: current,
    }));
  }

  /**
   * Changes a mask annotation in place: `paint` gets the live mask and the callback to pass to its
   * painting methods, so the tiles it touches are copied before their first change in this gesture.
   */
  paintMask(
    id: string,
    paint: (mask: TiledMask, beforeChange: BeforeTileChange) => void,
  ): Result<ChangeSummary | null> {
    if (this.locked) return this.lockedRefusal();
    const mask = this.doc.mask(id);
    if (!mask)
      return this.doc.has(id)
        ? fail('INVALID_INPUT', `Annotation ${id} is not a mask: the brush paints masks only.`)
        : this.unknown(id);
    const implicit = this.gesture === null;
    if (implicit) this.beginGesture('paint');
    const gesture = this.gesture as Gesture;
    let edit = gesture.openMasks.get(id);
    if (!edit) {
      edit = { patch: { op: 'tiles', id, tiles: [] }, mask, before: new Map() };
      gesture.openMasks.set(id, edit);
      gesture.patches.push(edit.patch);
    }
    const open = edit;
    paint(mask, (key) => {
      if (!open.before.has(key)) {
        const tile = mask.tile(key);
        open.before.set(key, tile ? snapshotTile(tile) : null);
      }
    });
    return ok(implicit ? this.commitGesture() : null);
  }

  private record(label: string, makePatch: () => Patch): Result<ChangeSummary | null> {
    if (this.locked) return this.lockedRefusal();
    const implicit = this.gesture === null;
    if (implicit) this.beginGesture(label);
    const gesture = this.gesture as Gesture;
    const patch = makePatch();
    // Painting on this annotation earlier in the gesture is closed first, so its tiles' "after" state is
    // taken before the annotation is replaced or removed.
    const open = gesture.openMasks.get(patch.id);
    if (open) {
      this.closeMaskEdit(open);
      gesture.openMasks.delete(patch.id);
    }
    applyPatch(this.doc, patch);
    gesture.patches.push(patch);
    return ok(implicit ? this.commitGesture() : null);
  }

  private closeMaskEdits(gesture: Gesture): void {
    gesture.openMasks.forEach((edit) => this.closeMaskEdit(edit));
    gesture.openMasks.clear();
  }

  private closeMaskEdit(edit: OpenMaskEdit): void {
    for (const [key, before] of edit.before) {
      const tile = edit.mask.tile(key);
      const after = tile ? snapshotTile(tile) : null;
      if (!sameRuns(before, after)) edit.patch.tiles.push({ key, before, after });
    }
    edit.before.clear();
  }

  private move(from: HistoryEntry[], to: HistoryEntry[], what: 'undo' | 'redo'): Result<ChangeSummary> {
    if (this.gesture) {
      return fail(
        'CONFLICT',
        `Cannot ${what} while drawing: finish the gesture or press Escape to cancel it first.`,
      );
    }
    if (this.locked) return this.lockedRefusal();
    const entry = from.pop();
    if (!entry) return fail('NOT_FOUND', `Nothing to ${what}.`);
    const patches = what === 'undo' ? entry.patches.map(invertPatch).reverse() : entry.patches;
    patches.forEach((p) => applyPatch(this.doc, p));
    to.push(entry);
    return ok(summarise(entry.label, patches));
  }

  /** Drops the oldest undo entries until both limits hold; the newest entry always stays. */
  private trim(): void {
    let bytes = this.stats.bytes;
    while (
      this.undoStack.length > 1 &&
      (this.undoStack.length + this.redoStack.length > this.limits.maxEntries || bytes > this.limits.maxBytes)
    ) {
      bytes -= (this.undoStack.shift() as HistoryEntry).bytes;
    }
  }

  private kindMismatch(a: Annotation): Result<never> | null {
    return GEOMETRY_OF_KIND[a.kind] === a.geometry.type
      ? null
      : fail('INVALID_INPUT', `A ${a.kind} annotation cannot hold ${a.geometry.type} geometry.`);
  }

  private unknown(id: string): Result<never> {
    return fail('NOT_FOUND', `There is no annotation ${id} on this image (it may have been deleted).`);
  }

  private lockedRefusal(): Result<never> {
    return fail('LOCKED', 'This image is locked against edits. Unlock it to change its annotations.');
  }
}
