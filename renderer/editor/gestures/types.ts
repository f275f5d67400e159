/**
 * A gesture is what one tool does between pointer down and pointer up (or, for the polygon, between
 * its first click and its closing): it opens a history gesture on the image, shows a draft while it
 * runs, and commits one undo step or cancels without a trace.
 */
import type { ApiClient } from '../../../shared/api';
import type { AnnotationGeometry } from '../../../shared/annotations/types';
import type { Point } from '../../viewer/camera';
import type { Side } from '../../viewer/pair-cameras';
import type { ImageEditSession } from '../session';
import type { PairEditorStore } from '../store';

/** What the draft layer draws on top of the annotations while a gesture runs. */
export type Draft =
  | { type: 'none' }
  /** A shape being drawn: an open path (polygon corners, lasso) or a closed ring (rectangle, ellipse). */
  | { type: 'outline'; points: number[]; closed: boolean; hover: Point | null }
  /** The calibration line being dragged. */
  | { type: 'line'; from: Point; to: Point }
  /** The magic wand's fill so far, as a picture over its bounds in image pixels. */
  | {
      type: 'wand';
      picture: CanvasImageSource;
      x: number;
      y: number;
      width: number;
      height: number;
      tolerance: number;
    }
  /** An annotation being moved or reshaped: drawn from this geometry instead of its own. */
  | { type: 'edit'; id: string; geometry: AnnotationGeometry; dx: number; dy: number };

export const NO_DRAFT: Draft = { type: 'none' };

export interface PointerInfo {
  altKey: boolean;
  /** Screen position relative to the stage, for distances that must not depend on the zoom. */
  screen: Point;
}

export interface GestureContext {
  store: PairEditorStore;
  api: ApiClient;
  side: Side;
  session: ImageEditSession;
  /** The camera's current scale (screen pixels per image pixel). */
  scale: () => number;
  setDraft: (draft: Draft) => void;
}

export interface Gesture {
  /** A further press while the gesture runs (the polygon's next corner); false = not taken. */
  down?(p: Point, info: PointerInfo): void;
  move(p: Point, info: PointerInfo): void;
  /** Pointer released; returns true when the gesture is over. */
  up(p: Point, info: PointerInfo): boolean;
  /** Double-click (the polygon closes); returns true when the gesture is over. */
  doubleClick?(): boolean;
  /** Enter or Backspace while drawing; returns whether the key was used and whether the gesture is over. */
  key?(key: 'Enter' | 'Backspace'): { used: boolean; done: boolean };
  /** Escape, a tool change, a lock: roll back. */
  cancel(): void;
}

/** Opens a history gesture, or reports why not (locked image) and returns false. */
export function beginOrReport(ctx: GestureContext, label: string): boolean {
  const begun = ctx.session.begin(label);
  if (!begun.ok) ctx.store.flash('error', begun.error.message);
  return begun.ok;
}

/** The class new work goes to; reported when the study has none loaded. */
export function activeClassOrReport(ctx: GestureContext): number | null {
  const id = ctx.store.activeClassId;
  if (id === null)
    ctx.store.flash(
      'error',
      'No annotation class is available: the class list did not load. Reload the window.',
    );
  return id;
}
