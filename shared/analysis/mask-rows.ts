/**
 * Row spans of painted masks (EncodedMask: row-major runs over a bounding box, one mask pixel covering
 * scale x scale image pixels), in the same [x0, x1) span form as the polygon rasteriser, so masks and
 * polygons combine with mergeSpans / subtractSpans and a band of rows gives exactly what the whole image
 * would.
 *
 * Rule (the same as for polygons): target pixel (x, y) is inside when its centre is inside a set mask
 * pixel's square. In image pixels (pixelsPerImagePixel 1) the squares have integer corners, so mask pixel
 * (i, j) covers exactly [i * scale, (i + 1) * scale) x [j * scale, (j + 1) * scale). A downsampled
 * preview passes its factor and gets the centre-sampled equivalent.
 */
import type { EncodedMask } from '../annotations/types';
import { mergeSpans } from '../geometry/rasterize';

/** Target pixels per full-resolution image pixel along x and y (1 = image pixels). */
export interface PixelFactor {
  x: number;
  y: number;
}

const IMAGE_PIXELS: PixelFactor = { x: 1, y: 1 };

/** First target pixel whose centre is at or right of `edge` (half-open [edge, ...)). */
const firstPixelFrom = (edge: number): number => Math.ceil(edge - 0.5);

interface DecodedMask {
  /** Target-pixel size of one mask pixel. */
  cellX: number;
  cellY: number;
  left: number;
  top: number;
  /** Mask-row index (relative to `top`) -> spans in mask columns relative to `left`. */
  rows: Map<number, number[]>;
}

/** Runs of 1s split into per-row mask-column spans, keeping only rows in [firstRow, endRow). */
function decodeRows(mask: EncodedMask, firstRow: number, endRow: number): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  if (mask.width === 0) return rows;
  let at = 0;
  for (let i = 0; i < mask.counts.length; i++) {
    const run = mask.counts[i]!;
    if (i % 2 === 1 && run > 0) {
      let from = at;
      const to = at + run;
      while (from < to) {
        const row = Math.floor(from / mask.width);
        const rowEnd = Math.min(to, (row + 1) * mask.width);
        if (row >= firstRow && row < endRow) {
          const spans = rows.get(row) ?? [];
          spans.push(from - row * mask.width, rowEnd - row * mask.width);
          rows.set(row, spans);
        }
        from = rowEnd;
      }
    }
    at += run;
  }
  return rows;
}

export class MaskRasterizer {
  private readonly masks: DecodedMask[];

  /** Masks decoded only for the target rows [firstRow, endRow) (a worker's band). */
  constructor(
    masks: readonly EncodedMask[],
    firstRow = 0,
    endRow = Number.POSITIVE_INFINITY,
    private readonly factor: PixelFactor = IMAGE_PIXELS,
  ) {
    this.masks = masks.map((mask) => {
      const cellX = mask.scale * factor.x;
      const cellY = mask.scale * factor.y;
      // Mask rows whose squares can hold the centre of a target row in the band (one row of slack).
      const first = Math.floor(firstRow / cellY) - mask.top - 1;
      const end = Number.isFinite(endRow) ? Math.ceil(endRow / cellY) - mask.top + 1 : mask.height;
      return { cellX, cellY, left: mask.left, top: mask.top, rows: decodeRows(mask, first, end) };
    });
  }

  /** Spans [x0, x1) of target row y covered by the union of the masks, clipped to [0, width). */
  rowSpans(y: number, width: number): number[] {
    const spans: number[] = [];
    for (const mask of this.masks) {
      // The mask row whose square holds the row's centre line.
      const row = Math.floor((y + 0.5) / mask.cellY) - mask.top;
      const columns = mask.rows.get(row);
      if (!columns) continue;
      for (let k = 0; k < columns.length; k += 2) {
        const from = Math.max(0, firstPixelFrom((mask.left + columns[k]!) * mask.cellX));
        const to = Math.min(width, firstPixelFrom((mask.left + columns[k + 1]!) * mask.cellX));
        if (to > from) spans.push(from, to);
      }
    }
    return mergeSpans(spans);
  }
}
