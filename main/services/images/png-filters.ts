/**
 * PNG row filters (PNG specification, section 9): each scanline is stored as a filter type byte and the
 * filtered bytes; reconstruction needs only the previous reconstructed row. Used by the streaming PNG
 * reader (png-rows.ts), which hands rows to the analysis as they are inflated.
 */

export const FILTER_NONE = 0;
export const FILTER_SUB = 1;
export const FILTER_UP = 2;
export const FILTER_AVERAGE = 3;
export const FILTER_PAETH = 4;

/**
 * Reconstruct one row into `out` from its filtered bytes `raw` (without the filter type byte) and the
 * previous reconstructed row `prev` (all zeros for the first row). `bpp`: bytes per complete pixel.
 * Returns false for an unknown filter type (a damaged file).
 */
export function unfilterRow(
  filter: number,
  raw: Uint8Array,
  prev: Uint8Array,
  out: Uint8Array,
  bpp: number,
): boolean {
  const n = raw.length;
  switch (filter) {
    case FILTER_NONE:
      out.set(raw);
      return true;
    case FILTER_SUB:
      for (let i = 0; i < bpp; i++) out[i] = raw[i]!;
      for (let i = bpp; i < n; i++) out[i] = (raw[i]! + out[i - bpp]!) & 0xff;
      return true;
    case FILTER_UP:
      for (let i = 0; i < n; i++) out[i] = (raw[i]! + prev[i]!) & 0xff;
      return true;
    case FILTER_AVERAGE:
      for (let i = 0; i < bpp; i++) out[i] = (raw[i]! + (prev[i]! >> 1)) & 0xff;
      for (let i = bpp; i < n; i++) out[i] = (raw[i]! + ((out[i - bpp]! + prev[i]!) >> 1)) & 0xff;
      return true;
    case FILTER_PAETH:
      for (let i = 0; i < bpp; i++) out[i] = (raw[i]! + prev[i]!) & 0xff;
      for (let i = bpp; i < n; i++) {
        const a = out[i - bpp]!;
        const b = prev[i]!;
        const c = prev[i - bpp]!;
        // The predictor closest to a + b - c; ties go to a, then b (the order the specification fixes).
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        out[i] = (raw[i]! + predictor) & 0xff;
      }
      return true;
    default:
      return false;
  }
}
