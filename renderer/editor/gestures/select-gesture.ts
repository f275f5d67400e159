/**
 * The select tool: a click selects the shape under the pointer (or clears the selection); a drag moves
 * the shape, or reshapes it when it starts on a corner of the selected shape. The history gesture opens
 * only when the pointer really moves, so a click to select leaves no undo step (and works on a locked
 * image).
 */
import { preparePolygons } from '../../../shared/annotations/shape-input';
import type { AnnotationGeometry } from '../../../shared/annotations/types';
import type { Point } from '../../viewer/camera';
import { MIN_DRAG_SCREEN_PX } from '../drafts';
import { moveVertex, translateGeometry } from '../edit-geometry';
import { hitTest } from '../hit-test';
import { beginOrReport, NO_DRAFT, type Gesture, type GestureContext, type PointerInfo } from './types';

/** How near (screen px) the pointer must be to an outline or a corner to take it. */
export const PICK_SCREEN_PX = 6;

export function startSelect(ctx: GestureContext, p: Point, info: PointerInfo): Gesture | null {
  const { session, store } = ctx;
  // A hidden class's shapes cannot be picked: what is not shown is not moved by accident.
  const visible = session.doc.values().filter((a) => !store.isClassHidden(a.classId));
  const hit = hitTest(visible, p, PICK_SCREEN_PX / ctx.scale(), session.selectedId);
  if (!hit) {
    session.select(null);
    return null;
  }
  session.select(hit.id);
  const stored = session.doc.toStored(hit.id);
  if (!stored) return null;
  const original = stored.geometry;
  const image = { width: session.doc.imageWidth, height: session.doc.imageHeight };
  let begun = false;
  let dead = false;
  let geometry: AnnotationGeometry = original;
  const start = info.screen;
  const edited = (to: Point): AnnotationGeometry =>
    hit.part === 'vertex' && original.type === 'polygons'
      ? moveVertex(original, stored.kind, hit.vertex, to.x, to.y)
      : translateGeometry(original, to.x - p.x, to.y - p.y, image);
  return {
    move(to, moved) {
      if (dead) return;
      if (!begun) {
        if (Math.hypot(moved.screen.x - start.x, moved.screen.y - start.y) < MIN_DRAG_SCREEN_PX) return;
        if (!beginOrReport(ctx, hit.part === 'vertex' ? 'reshape' : 'move')) {
          dead = true;
          return;
        }
        begun = true;
      }
      geometry = edited(to);
      ctx.setDraft({ type: 'edit', id: hit.id, geometry, dx: to.x - p.x, dy: to.y - p.y });
    },
    up(to) {
      ctx.setDraft(NO_DRAFT);
      if (!begun) return true;
      geometry = edited(to);
      let next = geometry;
      if (geometry.type === 'polygons') {
        const prepared = preparePolygons(geometry.polygons, image.width, image.height);
        if (!prepared.ok) {
          store.flash('error', prepared.error.message);
          session.cancel();
          return true;
        }
        next = { type: 'polygons', polygons: prepared.value.polygons };
        if (prepared.value.clipped)
          store.flash('info', 'The part of the shape outside the image was cut off.');
      }
      const updated = session.update(hit.id, { geometry: next });
      if (!updated.ok) {
        store.flash('error', updated.error.message);
        session.cancel();
        return true;
      }
      session.commit();
      return true;
    },
    cancel() {
      ctx.setDraft(NO_DRAFT);
      if (begun) session.cancel();
    },
  };
}
