/**
 * Which part of the preview the overlay covers, and at what resolution. The overlay is computed for the
 * visible region (plus a margin, so small pans need no work) at about one overlay pixel per screen
 * pixel: its cost follows the screen, not the image, so a 16-megapixel preview costs no more than a
 * small one.
 */
import { screenToImage, type Camera, type Size } from '../viewer/camera';

export interface PreviewRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OverlayWindow extends PreviewRect {
  /** Preview pixels per overlay pixel, in each direction. */
  step: number;
  outWidth: number;
  outHeight: number;
}

export interface PreviewGeometry {
  /** Full-resolution size. */
  image: Size;
  /** Preview size (the pixels the overlay is computed from). */
  preview: Size;
}

/** The visible part of the image, in preview pixels, clamped to the preview (may be empty). */
export function visiblePreviewRect(camera: Camera, viewport: Size, geometry: PreviewGeometry): PreviewRect {
  const { image, preview } = geometry;
  const topLeft = screenToImage(camera, { x: 0, y: 0 });
  const bottomRight = screenToImage(camera, { x: viewport.width, y: viewport.height });
  const sx = preview.width / image.width;
  const sy = preview.height / image.height;
  const clampX = (v: number) => Math.min(preview.width, Math.max(0, v));
  const clampY = (v: number) => Math.min(preview.height, Math.max(0, v));
  return {
    x0: clampX(topLeft.x * sx),
    y0: clampY(topLeft.y * sy),
    x1: clampX(bottomRight.x * sx),
    y1: clampY(bottomRight.y * sy),
  };
}

/** Preview pixels per overlay pixel at this zoom: at least 1, and never coarser than the screen. */
export function idealStep(camera: Camera, geometry: PreviewGeometry): number {
  const previewPxPerScreenPx = geometry.preview.width / geometry.image.width / camera.scale;
  return Math.max(1, Math.floor(previewPxPerScreenPx));
}

/**
 * The window to compute: the visible rect grown by `margin` of its size on each side, snapped outwards
 * to the step grid (so overlay pixels cover the same preview pixels wherever the window starts, and
 * nothing shimmers while panning), clamped to the preview.
 */
export function planWindow(
  camera: Camera,
  viewport: Size,
  geometry: PreviewGeometry,
  margin = 0.25,
): OverlayWindow | null {
  const visible = visiblePreviewRect(camera, viewport, geometry);
  if (visible.x1 <= visible.x0 || visible.y1 <= visible.y0) return null;
  const step = idealStep(camera, geometry);
  const padX = (visible.x1 - visible.x0) * margin;
  const padY = (visible.y1 - visible.y0) * margin;
  const { width, height } = geometry.preview;
  const x0 = Math.max(0, Math.floor((visible.x0 - padX) / step) * step);
  const y0 = Math.max(0, Math.floor((visible.y0 - padY) / step) * step);
  const x1 = Math.min(width, Math.ceil((visible.x1 + padX) / step) * step);
  const y1 = Math.min(height, Math.ceil((visible.y1 + padY) / step) * step);
  return {
    x0,
    y0,
    x1,
    y1,
    step,
    outWidth: Math.ceil((x1 - x0) / step),
    outHeight: Math.ceil((y1 - y0) / step),
  };
}

/** True when `window` still serves this view: it covers the visible rect at the ideal step. */
export function windowServes(
  window: OverlayWindow,
  camera: Camera,
  viewport: Size,
  geometry: PreviewGeometry,
): boolean {
  if (window.step !== idealStep(camera, geometry)) return false;
  const visible = visiblePreviewRect(camera, viewport, geometry);
  if (visible.x1 <= visible.x0 || visible.y1 <= visible.y0) return true;
  return (
    visible.x0 >= window.x0 && visible.y0 >= window.y0 && visible.x1 <= window.x1 && visible.y1 <= window.y1
  );
}

/** Where the overlay image goes on the stage, in full-resolution image pixels. */
export function windowPlacement(window: OverlayWindow, geometry: PreviewGeometry) {
  const sx = geometry.image.width / geometry.preview.width;
  const sy = geometry.image.height / geometry.preview.height;
  return {
    x: window.x0 * sx,
    y: window.y0 * sy,
    width: window.outWidth * window.step * sx,
    height: window.outHeight * window.step * sy,
  };
}
