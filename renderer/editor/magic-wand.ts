/**
 * The magic wand: a flood fill by colour similarity on the display preview's pixels (the full image
 * never reaches the renderer), mapped back to full-resolution image pixels when it is committed.
 * Similarity is the largest channel difference from the seed colour, as in ImageJ's wand "legacy"
 * mode and Photoshop's tolerance: easy to reason about ("within 30 levels of the clicked colour").
 */
import type { BeforeTileChange, MaskValue, TiledMask } from '../../shared/annotations/tiled-mask';
import { gridSpanToTarget } from './coords';

/** RGBA pixels, row-major (an ImageData's layout). */
export interface PixelGrid {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** The filled pixels of the grid, with their bounds (right and bottom exclusive). */
export interface WandRegion {
  gridWidth: number;
  gridHeight: number;
  bits: Uint8Array;
  left: number;
  top: number;
  right: number;
  bottom: number;
  count: number;
}

export const DEFAULT_WAND_TOLERANCE = 24;
/** Dragging away from the seed widens the tolerance by one level per this many screen pixels. */
const DRAG_PX_PER_LEVEL = 2;

export function wandTolerance(base: number, dragScreenPx: number): number {
  return Math.max(0, Math.min(255, Math.round(base + dragScreenPx / DRAG_PX_PER_LEVEL)));
}

/** 4-connected scanline flood fill from (seedX, seedY) over pixels within `tolerance` of the seed. */
export function floodFill(grid: PixelGrid, seedX: number, seedY: number, tolerance: number): WandRegion {
  const { width, height, data } = grid;
  const bits = new Uint8Array(width * height);
  const region: WandRegion = {
    gridWidth: width,
    gridHeight: height,
    bits,
    left: width,
    top: height,
    right: 0,
    bottom: 0,
    count: 0,
  };
  const sx = Math.floor(seedX);
  const sy = Math.floor(seedY);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return region;
  const seed = (sy * width + sx) * 4;
  const r0 = data[seed];
  const g0 = data[seed + 1];
  const b0 = data[seed + 2];
  const similar = (i: number) => {
    const p = i * 4;
    return (
      Math.abs(data[p] - r0) <= tolerance &&
      Math.abs(data[p + 1] - g0) <= tolerance &&
      Math.abs(data[p + 2] - b0) <= tolerance
    );
  };
  const stack: number[] = [sx, sy];
  while (stack.length > 0) {
    const y = stack.pop() as number;
    const x = stack.pop() as number;
    const row = y * width;
    if (bits[row + x] || !similar(row + x)) continue;
    let from = x;
    while (from > 0 && !bits[row + from - 1] && similar(row + from - 1)) from--;
    let to = x + 1;
    while (to < width && !bits[row + to] && similar(row + to)) to++;
    bits.fill(1, row + from, row + to);
    region.count += to - from;
    region.left = Math.min(region.left, from);
    region.right = Math.max(region.right, to);
    region.top = Math.min(region.top, y);
    region.bottom = Math.max(region.bottom, y + 1);
    // Seed the rows above and below once per run of candidate pixels, not once per pixel.
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let inRun = false;
      for (let i = from; i < to; i++) {
        const candidate = !bits[nrow + i] && similar(nrow + i);
        if (candidate && !inRun) stack.push(i, ny);
        inRun = candidate;
      }
    }
  }
  return region;
}

/** Set spans [x0, x1) of one grid row of the region. */
export function regionRowSpans(region: WandRegion, y: number): number[] {
  const spans: number[] = [];
  if (y < region.top || y >= region.bottom) return spans;
  const row = y * region.gridWidth;
  for (let x = region.left; x < region.right; x++) {
    if (!region.bits[row + x]) continue;
    let end = x + 1;
    while (end < region.right && region.bits[row + end]) end++;
    spans.push(x, end);
    x = end;
  }
  return spans;
}

/**
 * Paints (1) or erases (0) the region into a mask of the full image: each mask pixel takes the value
 * of the grid pixel under its centre. Only the mask rows the region reaches are visited.
 */
export function paintRegion(
  mask: TiledMask,
  region: WandRegion,
  value: MaskValue,
  beforeChange?: BeforeTileChange,
): void {
  if (region.count === 0) return;
  const s = mask.scale;
  const toGridY = region.gridHeight / mask.imageHeight;
  // Mask rows whose centre lies in grid rows [top, bottom).
  const firstRow = Math.max(0, Math.ceil((region.top / toGridY - s / 2) / s));
  const endRow = Math.min(mask.gridHeight, Math.ceil((region.bottom / toGridY - s / 2) / s));
  const cache = new Map<number, number[]>();
  for (let my = firstRow; my < endRow; my++) {
    const gy = Math.floor((my + 0.5) * s * toGridY);
    let spans = cache.get(gy);
    if (!spans) {
      spans = regionRowSpans(region, gy);
      cache.set(gy, spans);
    }
    for (let i = 0; i < spans.length; i += 2) {
      // The mask pixels whose centres fall in grid columns [a, b): the grid covers the image as
      // gridWidth mask pixels of s image pixels would.
      const [x0, x1] = gridSpanToTarget(spans[i], spans[i + 1], region.gridWidth, mask.imageWidth / s);
      if (x1 > x0) mask.fillRow(my, x0, Math.min(mask.gridWidth, x1), value, beforeChange);
    }
  }
}

/** RGBA of the region's bounding box in one colour, for the live preview while the wand is dragged. */
export function regionPreviewPixels(
  region: WandRegion,
  rgba: readonly [number, number, number, number],
): Uint8ClampedArray<ArrayBuffer> {
  const width = Math.max(0, region.right - region.left);
  const height = Math.max(0, region.bottom - region.top);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const source = (region.top + y) * region.gridWidth + region.left;
    for (let x = 0; x < width; x++) {
      if (!region.bits[source + x]) continue;
      const o = (y * width + x) * 4;
      out[o] = rgba[0];
      out[o + 1] = rgba[1];
      out[o + 2] = rgba[2];
      out[o + 3] = rgba[3];
    }
  }
  return out;
}
