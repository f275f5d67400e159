/**
 * Outline tools: rectangle and ellipse (drag), freehand lasso (drag), polygon (click by click). Each
 * ends in one annotation made storable by prepareOutline (clipped to the image, self-crossings split,
 * degenerate shapes refused with the reason) and one undo step.
 */
import { prepareOutline } from '../../../shared/annotations/shape-input';
import type { AnnotationKind } from '../../../shared/annotations/types';
import type { Point } from '../../viewer/camera';
import {
  dragShapeRing,
  lassoAppendInPlace,
  MIN_DRAG_SCREEN_PX,
  polygonClick,
  polygonClose,
  polygonRemoveLast,
  type PolygonDraft,
} from '../drafts';
import { newAnnotationId } from '../session';
import {
  activeClassOrReport,
  beginOrReport,
  NO_DRAFT,
  type Gesture,
  type GestureContext,
  type PointerInfo,
} from './types';

/** A corner click this close (screen px) to the first corner closes the polygon. */
const CLOSE_SCREEN_PX = 8;
/** Lasso points closer than this (screen px) to the previous one are skipped. */
const LASSO_STEP_SCREEN_PX = 2;
/** Freehand outlines are simplified to within half a screen pixel. */
const LASSO_SIMPLIFY_SCREEN_PX = 0.5;

/** Adds the outline as an annotation of the active class and commits; false when it was refused. */
function commitOutline(
  ctx: GestureContext,
  kind: AnnotationKind,
  ring: number[],
  simplifyTolerance = 0,
): boolean {
  const { session, store } = ctx;
  const classId = activeClassOrReport(ctx);
  const prepared = prepareOutline(ring, session.doc.imageWidth, session.doc.imageHeight, {
    simplifyTolerance,
  });
  if (classId === null || !prepared.ok) {
    if (!prepared.ok) store.flash('error', prepared.error.message);
    session.cancel();
    return false;
  }
  const id = newAnnotationId();
  const added = session.add({
    id,
    classId,
    kind,
    geometry: { type: 'polygons', polygons: prepared.value.polygons },
    name: '',
  });
  if (!added.ok) {
    store.flash('error', added.error.message);
    session.cancel();
    return false;
  }
  session.commit();
  session.select(id);
  const parts = prepared.value.polygons.length;
  if (prepared.value.repaired)
    store.flash(
      'info',
      `The outline crossed itself, so it was stored as ${parts} separate part${parts === 1 ? '' : 's'}.`,
    );
  else if (prepared.value.clipped)
    store.flash('info', 'The part of the shape outside the image was cut off.');
  return true;
}

export function startDragShape(
  ctx: GestureContext,
  kind: 'rectangle' | 'ellipse',
  from: Point,
  info: PointerInfo,
): Gesture | null {
  if (!beginOrReport(ctx, kind)) return null;
  const start = info.screen;
  let to = from;
  let dragged = false;
  return {
    move(p, moved) {
      to = p;
      dragged ||= Math.hypot(moved.screen.x - start.x, moved.screen.y - start.y) >= MIN_DRAG_SCREEN_PX;
      if (dragged)
        ctx.setDraft({ type: 'outline', points: dragShapeRing(kind, from, to), closed: true, hover: null });
    },
    up(p) {
      ctx.setDraft(NO_DRAFT);
      if (!dragged) {
        // A click, not a drag: nothing to draw (and nothing to undo).
        ctx.session.cancel();
        return true;
      }
      commitOutline(ctx, kind, dragShapeRing(kind, from, p));
      return true;
    },
    cancel() {
      ctx.setDraft(NO_DRAFT);
      ctx.session.cancel();
    },
  };
}

export function startLasso(ctx: GestureContext, from: Point): Gesture | null {
  if (!beginOrReport(ctx, 'freehand')) return null;
  const points = [from.x, from.y];
  const show = () => ctx.setDraft({ type: 'outline', points, closed: false, hover: null });
  show();
  return {
    move(p) {
      if (lassoAppendInPlace(points, p, LASSO_STEP_SCREEN_PX / ctx.scale())) show();
    },
    up(p) {
      lassoAppendInPlace(points, p, LASSO_STEP_SCREEN_PX / ctx.scale());
      ctx.setDraft(NO_DRAFT);
      if (points.length < 6) {
        ctx.session.cancel();
        return true;
      }
      commitOutline(ctx, 'freehand', points, LASSO_SIMPLIFY_SCREEN_PX / ctx.scale());
      return true;
    },
    cancel() {
      ctx.setDraft(NO_DRAFT);
      ctx.session.cancel();
    },
  };
}

/** The polygon: one gesture from the first corner to the closing click, Enter or double-click. */
export function startPolygon(ctx: GestureContext, first: Point): Gesture | null {
  if (!beginOrReport(ctx, 'polygon')) return null;
  let draft: PolygonDraft = { points: [first.x, first.y] };
  let hover: Point | null = null;
  const show = () => ctx.setDraft({ type: 'outline', points: draft.points, closed: false, hover });
  const finish = (): boolean => {
    const closed = polygonClose(draft);
    if ('problem' in closed) {
      ctx.store.flash('error', closed.problem);
      return false;
    }
    ctx.setDraft(NO_DRAFT);
    commitOutline(ctx, 'polygon', closed.ring);
    return true;
  };
  show();
  let finishedByClick = false;
  return {
    down(p) {
      const click = polygonClick(draft, p, CLOSE_SCREEN_PX / ctx.scale());
      draft = click.draft;
      if (click.closed) finishedByClick = finish();
      else show();
    },
    move(p) {
      hover = p;
      show();
    },
    up() {
      return finishedByClick;
    },
    doubleClick() {
      return finish();
    },
    key(key) {
      if (key === 'Enter') return { used: true, done: finish() };
      draft = polygonRemoveLast(draft);
      if (draft.points.length === 0) {
        this.cancel();
        return { used: true, done: true };
      }
      show();
      return { used: true, done: false };
    },
    cancel() {
      ctx.setDraft(NO_DRAFT);
      ctx.session.cancel();
    },
  };
}
