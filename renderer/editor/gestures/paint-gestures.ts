/**
 * Mask tools: brush and eraser (a capsule from each pointer position to the next, painted straight
 * into the mask's tiles so the stroke shows at once), and the magic wand (a flood fill on the preview
 * pixels, widened live by dragging away from the seed, painted into the mask on release).
 */
import { TiledMask } from '../../../shared/annotations/tiled-mask';
import type { Point } from '../../viewer/camera';
import { imageToGridIndex } from '../coords';
import { floodFill, paintRegion, wandTolerance, type PixelGrid, type WandRegion } from '../magic-wand';

export type { PixelGrid, WandRegion };
import {
  activeClassOrReport,
  beginOrReport,
  NO_DRAFT,
  type Gesture,
  type GestureContext,
  type PointerInfo,
} from './types';

/** Paints (brush) or erases (eraser), Alt swapping the two for the whole stroke. */
export function startBrush(
  ctx: GestureContext,
  from: Point,
  info: PointerInfo,
  tool: 'brush' | 'eraser',
): Gesture | null {
  const { session, store } = ctx;
  const classId = activeClassOrReport(ctx);
  if (classId === null) return null;
  const erase = (tool === 'eraser') !== info.altKey;
  const className = store.classById(classId)?.name ?? 'this class';
  if (erase && session.masksOfClass(classId).length === 0 && !session.locked) {
    store.flash('info', `Nothing to erase: “${className}” has no painted or detected area on this image.`);
    return null;
  }
  if (!beginOrReport(ctx, erase ? 'erase' : 'paint')) return null;
  let targets: string[];
  if (erase) targets = session.masksOfClass(classId);
  else {
    const target = session.paintTarget(classId);
    if (!target.ok) {
      store.flash('error', target.error.message);
      session.cancel();
      return null;
    }
    targets = [target.value];
  }
  const value = erase ? 0 : 1;
  let last = from;
  let touched = 0;
  const dab = (to: Point) => {
    const radius = store.brushDiameter(ctx.side).px / 2;
    for (const id of targets) {
      session.paint(id, (mask, before) => {
        const keys = mask.paintCapsule(last.x, last.y, to.x, to.y, radius, value, before);
        touched += keys.size;
        return keys;
      });
    }
    last = to;
  };
  dab(from);
  return {
    move(p) {
      dab(p);
    },
    up(p) {
      if (p.x !== last.x || p.y !== last.y) dab(p);
      // A stroke wholly outside the image painted nothing: no step to undo.
      if (touched === 0) session.cancel();
      else session.commit();
      return true;
    },
    cancel() {
      session.cancel();
    },
  };
}

/** Grid pixels of a region, in image pixels, for its live picture. */
function regionBounds(region: WandRegion, imageWidth: number, imageHeight: number) {
  const sx = imageWidth / region.gridWidth;
  const sy = imageHeight / region.gridHeight;
  return {
    x: region.left * sx,
    y: region.top * sy,
    width: (region.right - region.left) * sx,
    height: (region.bottom - region.top) * sy,
  };
}

export interface WandSupport {
  /** The preview pixels of the image, or null while they load (loading starts on the first ask). */
  grid(imageId: number): PixelGrid | null;
  /** Resolves when the pixels are read (null if they cannot be). */
  whenReady(imageId: number): Promise<PixelGrid | null>;
  /** The picture of a region in the class colour, for the draft layer. */
  picture(region: WandRegion, colour: string): CanvasImageSource;
}

export function startWand(
  ctx: GestureContext,
  seed: Point,
  info: PointerInfo,
  wand: WandSupport,
): Gesture | null {
  const { session, store } = ctx;
  const grid = wand.grid(session.imageId);
  if (!grid) {
    // The first click before the pixels are read: fill from it as soon as they are.
    store.flash('info', 'Reading the image’s preview pixels for the magic wand…');
    void wand.whenReady(session.imageId).then((ready) => {
      if (!ready || store.tool !== 'wand' || session.history.inGesture) return;
      startWand(ctx, seed, info, wand)?.up(seed, info);
    });
    return null;
  }
  const classId = activeClassOrReport(ctx);
  if (classId === null || !beginOrReport(ctx, 'magic wand')) return null;
  const W = session.doc.imageWidth;
  const H = session.doc.imageHeight;
  const gx = imageToGridIndex(seed.x, W, grid.width);
  const gy = imageToGridIndex(seed.y, H, grid.height);
  const colour = store.classById(classId)?.colour ?? '#7a3db8';
  const erase = info.altKey;
  let tolerance = -1;
  let region: WandRegion | null = null;
  let pendingFrame = 0;
  let distance = 0;
  const fill = () => {
    pendingFrame = 0;
    const next = wandTolerance(store.wandTolerance, distance);
    if (next === tolerance) return;
    tolerance = next;
    region = floodFill(grid, gx, gy, tolerance);
    ctx.setDraft({
      type: 'wand',
      picture: wand.picture(region, erase ? '#ffffff' : colour),
      ...regionBounds(region, W, H),
      tolerance,
    });
  };
  fill();
  const start = info.screen;
  return {
    move(_p, moved) {
      distance = Math.hypot(moved.screen.x - start.x, moved.screen.y - start.y);
      // One fill per frame at most: a large fill costs more than a pointer event interval.
      if (!pendingFrame) pendingFrame = requestAnimationFrame(fill);
    },
    up() {
      if (pendingFrame) cancelAnimationFrame(pendingFrame);
      fill();
      ctx.setDraft(NO_DRAFT);
      const done = region;
      if (!done || done.count === 0) {
        session.cancel();
        return true;
      }
      const targets = erase ? session.masksOfClass(classId) : [];
      if (!erase) {
        const target = session.paintTarget(classId);
        if (!target.ok) {
          store.flash('error', target.error.message);
          session.cancel();
          return true;
        }
        targets.push(target.value);
      }
      for (const id of targets) {
        session.paint(id, (mask, before) => {
          // Through a mask of the region and combine(): tiles emptied by an erase are dropped.
          const filled = new TiledMask(mask.imageWidth, mask.imageHeight, mask.scale);
          paintRegion(filled, done, 1);
          return mask.combine(filled, erase ? 'subtract' : 'union', before);
        });
      }
      session.commit();
      store.flash('info', `Magic wand: tolerance ${tolerance} (drag further from the click to widen it).`);
      return true;
    },
    cancel() {
      if (pendingFrame) cancelAnimationFrame(pendingFrame);
      ctx.setDraft(NO_DRAFT);
      session.cancel();
    },
  };
}
