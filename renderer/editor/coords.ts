/**
 * Conversions the tools need at the stage edge: screen to image pixels (through the camera), image to
 * preview pixels (the magic wand samples the display preview), and the brush size between µm, image
 * pixels and screen pixels. Everything stored stays in full-resolution image pixels.
 */
import { screenToImage, type Camera, type Point } from '../viewer/camera';

/** A pointer position relative to the stage's top-left corner, in CSS pixels. */
export function stagePoint(client: Point, stageBox: { left: number; top: number }): Point {
  return { x: client.x - stageBox.left, y: client.y - stageBox.top };
}

/** Full-resolution image pixel under a client (viewport) point. */
export function imagePointFromClient(
  camera: Camera,
  client: Point,
  stageBox: { left: number; top: number },
): Point {
  return screenToImage(camera, stagePoint(client, stageBox));
}

/**
 * Image pixel to the pixel of a grid that covers the same image at another size (the preview or the
 * wand's working grid): the grid pixel whose area holds the image pixel's centre.
 */
export function imageToGridIndex(coordinate: number, imageSize: number, gridSize: number): number {
  const index = Math.floor(((Math.floor(coordinate) + 0.5) * gridSize) / imageSize);
  return Math.min(gridSize - 1, Math.max(0, index));
}

/**
 * Grid columns [from, to) mapped to target pixels [x0, x1), where `targetSize` target pixels (possibly a
 * fraction: a mask of scale s covers the image with width / s of them) span the same extent as the
 * grid: exactly the target pixels whose centres fall in those grid cells (the inverse of
 * imageToGridIndex).
 */
export function gridSpanToTarget(
  from: number,
  to: number,
  gridSize: number,
  targetSize: number,
): [number, number] {
  const scale = targetSize / gridSize;
  return [
    Math.max(0, Math.ceil(from * scale - 0.5)),
    Math.min(Math.ceil(targetSize), Math.ceil(to * scale - 0.5)),
  ];
}

export type SizeUnit = 'px' | 'um';

export interface BrushSize {
  value: number;
  unit: SizeUnit;
}

export const MIN_BRUSH_PX = 1;
export const MAX_BRUSH_PX = 4000;
const BRUSH_STEP = 1.25;

/**
 * The brush diameter in image pixels. A size in µm needs a calibration: without one the number is
 * taken as pixels, and `calibrated` says so, so the toolbar can tell the user.
 */
export function brushDiameterPx(
  size: BrushSize,
  umPerPx: number | null,
): { px: number; calibrated: boolean } {
  if (size.unit === 'px') return { px: clampPx(size.value), calibrated: true };
  if (umPerPx === null) return { px: clampPx(size.value), calibrated: false };
  return { px: clampPx(size.value / umPerPx), calibrated: true };
}

const clampPx = (px: number) => Math.min(MAX_BRUSH_PX, Math.max(MIN_BRUSH_PX, px));

/** `[` and `]`: a quarter smaller or larger per press, rounded to a number worth reading. */
export function stepBrushSize(size: BrushSize, direction: 1 | -1): BrushSize {
  const next = direction > 0 ? size.value * BRUSH_STEP : size.value / BRUSH_STEP;
  const rounded = next >= 10 ? Math.round(next) : Math.round(next * 10) / 10;
  // Rounding must never undo the step (1 -> 1.25 -> 1).
  const moved = rounded === size.value ? size.value + direction * (size.value >= 10 ? 1 : 0.1) : rounded;
  const min = size.unit === 'px' ? MIN_BRUSH_PX : 0.1;
  return { ...size, value: Math.max(min, Math.min(size.unit === 'px' ? MAX_BRUSH_PX : 10_000, moved)) };
}

/** The same physical size in the other unit (kept as is when the image is not calibrated). */
export function convertBrushSize(size: BrushSize, unit: SizeUnit, umPerPx: number | null): BrushSize {
  if (size.unit === unit || umPerPx === null) return { value: size.value, unit };
  const value = unit === 'um' ? size.value * umPerPx : size.value / umPerPx;
  return { value: Number(value.toPrecision(3)), unit };
}
