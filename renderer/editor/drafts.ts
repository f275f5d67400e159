/**
 * Shapes being drawn, before they become annotations: pure state machines, one per drawing tool. Points
 * are image pixels; distances that depend on the zoom (how close is "on the first point") come in as
 * image-pixel tolerances computed by the caller from a screen distance.
 */
import { polylineLength } from '../../shared/geometry/measure';
import { ellipseInBoxToRing, rectangleToRing } from '../../shared/geometry/shapes';
import type { Point } from '../viewer/camera';

/** A polygon drawn click by click. */
export interface PolygonDraft {
  points: number[];
}

export type PolygonClick = { draft: PolygonDraft; closed: false } | { draft: PolygonDraft; closed: true };

const near = (points: readonly number[], index: number, p: Point, tolerance: number) =>
  Math.hypot(points[2 * index] - p.x, points[2 * index + 1] - p.y) <= tolerance;

/**
 * A click: adds a corner, or closes the polygon when it lands on the first corner of a polygon that
 * already has three. A click on the last corner again (the first half of a double-click) adds nothing.
 */
export function polygonClick(draft: PolygonDraft, p: Point, tolerance: number): PolygonClick {
  const n = draft.points.length >> 1;
  if (n >= 3 && near(draft.points, 0, p, tolerance)) return { draft, closed: true };
  if (n >= 1 && near(draft.points, n - 1, p, tolerance)) return { draft, closed: false };
  return { draft: { points: [...draft.points, p.x, p.y] }, closed: false };
}

/** Backspace: the last corner goes (the draft may become empty). */
export const polygonRemoveLast = (draft: PolygonDraft): PolygonDraft => ({
  points: draft.points.slice(0, Math.max(0, draft.points.length - 2)),
});

/** Enter or double-click: the ring to store, or the reason it cannot be closed yet. */
export function polygonClose(draft: PolygonDraft): { ring: number[] } | { problem: string } {
  const n = draft.points.length >> 1;
  if (n < 3)
    return {
      problem: `A polygon needs at least 3 corners; this one has ${n}. Click more corners, or press Escape to cancel.`,
    };
  return { ring: [...draft.points] };
}

/**
 * A freehand lasso point, appended in place (the array is the draft's own): positions closer than
 * `minStep` image pixels to the previous kept point are skipped, so a slow hand does not pile up
 * thousands of points on a few pixels. Returns whether the point was kept.
 */
export function lassoAppendInPlace(points: number[], p: Point, minStep: number): boolean {
  const n = points.length >> 1;
  if (n > 0 && near(points, n - 1, p, minStep)) return false;
  points.push(p.x, p.y);
  return true;
}

/** Rectangle and ellipse: the ring spanned by a drag from `from` to `to`. */
export function dragShapeRing(kind: 'rectangle' | 'ellipse', from: Point, to: Point): number[] {
  return kind === 'rectangle'
    ? rectangleToRing(from.x, from.y, to.x, to.y)
    : ellipseInBoxToRing(from.x, from.y, to.x, to.y);
}

/** A drag shorter than this many screen pixels is a click, not a shape. */
export const MIN_DRAG_SCREEN_PX = 3;

/** A calibration line's length in image pixels. */
export const lineLength = (from: Point, to: Point): number => polylineLength([from.x, from.y, to.x, to.y]);
