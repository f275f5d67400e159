/**
 * Paint the stain overlay of a window of the preview into RGBA pixels (a Uint32Array over ImageData).
 *
 * - coarse: one comparison per overlay pixel, at the preview pixel under its centre. This is what runs
 *   on every slider move: its cost is the number of screen pixels.
 * - refined: every preview pixel of each overlay pixel's block is compared and the overlay pixel's
 *   alpha is the stained share of the block, so thin fibres below the screen resolution still show.
 *   It runs once the slider settles. With a step of 1 both give the same picture.
 */
import type { OverlayWindow } from './overlay-window';

/** RGBA bytes as one little-endian Uint32 (ImageData's byte order on every platform DermaQuant runs on). */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** '#rrggbb' to [r, g, b]; anything else is the default magenta. */
export function parseHexColour(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) return [255, 0, 255];
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

interface FieldCodes {
  width: number;
  height: number;
  codes: Uint16Array;
}

export function paintCoarse(
  field: FieldCodes,
  window: OverlayWindow,
  firstStained: number,
  rgb: [number, number, number],
  out: Uint32Array,
): void {
  const { codes, width, height } = field;
  const { x0, y0, step, outWidth, outHeight } = window;
  const colour = packRgba(rgb[0], rgb[1], rgb[2], 255);
  const half = step >> 1;
  const columns = new Int32Array(outWidth);
  for (let i = 0; i < outWidth; i++) columns[i] = Math.min(width - 1, x0 + i * step + half);
  for (let j = 0, k = 0; j < outHeight; j++) {
    const row = Math.min(height - 1, y0 + j * step + half) * width;
    for (let i = 0; i < outWidth; i++, k++) out[k] = codes[row + columns[i]!]! >= firstStained ? colour : 0;
  }
}

export function paintRefined(
  field: FieldCodes,
  window: OverlayWindow,
  firstStained: number,
  rgb: [number, number, number],
  out: Uint32Array,
): void {
  const { codes, width } = field;
  const { x0, y0, x1, y1, step, outWidth, outHeight } = window;
  const counts = new Uint32Array(outWidth);
  // Alpha per stained share: a table, so the block loop does no division.
  const maxCount = step * step;
  const colours = new Uint32Array(maxCount + 1);
  for (let n = 1; n <= maxCount; n++)
    colours[n] = packRgba(rgb[0], rgb[1], rgb[2], Math.round((255 * n) / maxCount));
  for (let j = 0; j < outHeight; j++) {
    counts.fill(0);
    const rowEnd = Math.min(y1, y0 + (j + 1) * step);
    for (let y = y0 + j * step; y < rowEnd; y++) {
      const row = y * width;
      for (let i = 0, x = x0; i < outWidth; i++) {
        const blockEnd = Math.min(x1, x + step);
        let n = 0;
        for (; x < blockEnd; x++) if (codes[row + x]! >= firstStained) n++;
        counts[i]! += n;
      }
    }
    // Blocks cut by the image edge hold fewer pixels: scale their count to a full block.
    const rows = rowEnd - (y0 + j * step);
    for (let i = 0, k = j * outWidth; i < outWidth; i++, k++) {
      const n = counts[i]!;
      if (n === 0) {
        out[k] = 0;
        continue;
      }
      const cols = Math.min(x1, x0 + (i + 1) * step) - (x0 + i * step);
      const cells = rows * cols;
      out[k] = cells === maxCount ? colours[n]! : colours[Math.round((n * maxCount) / cells)]!;
    }
  }
}

/** Put overlay pixels into a canvas of exactly the window's size (the canvas is the Konva image). */
export function drawIntoCanvas(
  canvas: HTMLCanvasElement,
  window: OverlayWindow,
  fill: (out: Uint32Array) => void,
): void {
  if (canvas.width !== window.outWidth || canvas.height !== window.outHeight) {
    canvas.width = window.outWidth;
    canvas.height = window.outHeight;
  }
  const context = canvas.getContext('2d');
  if (!context) return;
  const pixels = context.createImageData(window.outWidth, window.outHeight);
  fill(new Uint32Array(pixels.data.buffer));
  context.putImageData(pixels, 0, 0);
}
