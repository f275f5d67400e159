/**
 * Optical density look-up tables and the white point. OD_c = -log10(max(I_c, 1) / I0_c), clamped at 0:
 * with 8-bit input there are only 256 possible values per channel, so the kernel never calls Math.log.
 */
import { AnalysisInputError } from './errors';
import type { Vec3 } from './stain-matrix';

export type Rgb = [number, number, number];

export function odLookupTable(white: number): Float64Array {
  if (!(white >= 1 && white <= 255)) {
    throw new AnalysisInputError('INVALID_INPUT', `A white point of ${white} is outside 1..255.`);
  }
  const table = new Float64Array(256);
  for (let v = 0; v < 256; v++) {
    const od = -Math.log10(Math.max(v, 1) / white);
    table[v] = od > 0 ? od : 0;
  }
  return table;
}

/**
 * One table per channel already multiplied by that channel's unmixing weight, so the stain amount of a
 * pixel is three look-ups and two additions: a[r] + b[g] + c[b].
 */
export function weightedOdTables(white: Rgb, column: Vec3): [Float64Array, Float64Array, Float64Array] {
  return [0, 1, 2].map((c) => {
    const base = odLookupTable(white[c]!);
    const weighted = new Float64Array(256);
    for (let v = 0; v < 256; v++) weighted[v] = base[v]! * column[c]!;
    return weighted;
  }) as [Float64Array, Float64Array, Float64Array];
}

/** A pixel is a background candidate when every channel is at least this bright. */
export const BRIGHT_PIXEL_MIN = 200;
/** Fewer background candidates than this fraction of the image: keep 255 (no background to learn from). */
export const MIN_BACKGROUND_FRACTION = 0.001;

/**
 * Histograms of the bright pixels, per channel (3 x 256 counts, R then G then B). Integer counts add up
 * the same whatever the order of tiles, so the estimate is identical for any tiling.
 */
export function accumulateBrightHistogram(
  rgb: Uint8Array,
  start: number,
  end: number,
  channels: number,
  into: Float64Array,
): number {
  let bright = 0;
  for (let p = start; p < end; p += channels) {
    const r = rgb[p]!;
    const g = rgb[p + 1]!;
    const b = rgb[p + 2]!;
    if (r >= BRIGHT_PIXEL_MIN && g >= BRIGHT_PIXEL_MIN && b >= BRIGHT_PIXEL_MIN) {
      into[r]!++;
      into[256 + g]!++;
      into[512 + b]!++;
      bright++;
    }
  }
  return bright;
}

export interface WhiteEstimate {
  rgb: Rgb;
  /** Why 255 was kept, when it was. */
  note: string | null;
}

/**
 * White point per channel as QuPath estimates it: the mode of the histogram of bright (background)
 * pixels. Ties go to the brighter value. Too little background keeps 255 and says so.
 */
export function whiteFromBrightHistogram(histogram: Float64Array, totalPixels: number): WhiteEstimate {
  let bright = 0;
  for (let v = 0; v < 256; v++) bright += histogram[v]!;
  if (bright < Math.max(1, totalPixels * MIN_BACKGROUND_FRACTION)) {
    return {
      rgb: [255, 255, 255],
      note: `too little bright background (${bright} px) to estimate the white point; 255 was used`,
    };
  }
  const rgb = [0, 1, 2].map((c) => {
    let best = 255;
    let bestCount = -1;
    for (let v = 255; v >= BRIGHT_PIXEL_MIN; v--) {
      const count = histogram[c * 256 + v]!;
      if (count > bestCount) {
        best = v;
        bestCount = count;
      }
    }
    return best;
  }) as Rgb;
  return { rgb, note: null };
}

/** The OD unit vector of a colour (e.g. the colour of pure stain typed by the user). */
export function odOfColour(colour: Rgb, white: Rgb): Vec3 {
  return [0, 1, 2].map((c) => {
    const od = -Math.log10(Math.max(colour[c]!, 1) / white[c]!);
    return od > 0 ? od : 0;
  }) as Vec3;
}
