/**
 * The live preview's per-pixel data: the amount of the measured stain in every preview pixel, computed
 * once per image and stain (with the shared analysis kernel's own look-up tables), so that moving the
 * threshold is a single pass of integer comparisons and the preview numbers are table look-ups.
 *
 * Amounts are stored as integer codes, floor(amount * CODES_PER_OD) in a Uint16Array: 2 bytes a pixel
 * instead of 4 (a 16-megapixel preview holds two of them), and a resolution of 0.00025 OD, far below
 * any threshold step. 4000 codes per OD make 20 codes per bin of the automatic-threshold histogram
 * (shared/analysis/thresholds.ts, 200 bins per OD), so the preview's Otsu and triangle see exactly the
 * histogram the full analysis would build from the same pixels.
 *
 * Manual corrections (shared/analysis/corrections.ts) are applied last, as in the exact analysis: the
 * threshold and its histogram come from the automatic codes, then marked pixels are forced stained
 * (MARKED_STAINED_CODE) or unstained (0) in the codes the overlay draws, and the counts correct for them
 * per threshold. The preview has no size filters, so a mark's effect can differ from the exact one there.
 */
import { AMOUNT_SCALE, prepareKernel, type PixelBuffer } from '../../shared/analysis/kernel';
import type { ResolvedParams } from '../../shared/analysis/protocol';
import { CorrectionRows } from '../../shared/analysis/corrections';
import { RegionRows, type AnalysisRegion } from '../../shared/analysis/region';
import { HISTOGRAM_BINS, HISTOGRAM_BINS_PER_OD } from '../../shared/analysis/thresholds';

export const CODES_PER_OD = 4000;
export const MAX_CODE = 65535;
/** Marked stained by hand: above every amount's code (they stop at MAX_CODE - 1), so stained at any threshold. */
export const MARKED_STAINED_CODE = MAX_CODE;
const CODES_PER_BIN = CODES_PER_OD / HISTOGRAM_BINS_PER_OD;

/** Flag bits per pixel: detected tissue, and inside the region of interest minus exclusions. */
export const TISSUE = 1;
export const IN_REGION = 2;
/** Marked stained ("Stained collagen"), and marked not stained ("Not stained", which wins). */
export const MARKED_ADD = 4;
export const MARKED_REMOVE = 8;

export interface StainField {
  width: number;
  height: number;
  /** floor(amount * CODES_PER_OD), clamped to 0..MAX_CODE - 1 (amounts at or below 0 are 0). */
  codes: Uint16Array;
  flags: Uint8Array;
}

export interface BuildOptions {
  /** Rows between pauses, so a large preview does not freeze the page. */
  rowsPerChunk?: number;
  /** Awaited between chunks (e.g. a macrotask); omitted in tests. */
  pause?: () => Promise<void>;
  /** Stop early (a newer build replaced this one): resolves to null. */
  signal?: { readonly aborted: boolean };
}

/**
 * Stain codes and tissue/region flags of every preview pixel. `params` must be resolved with tissue
 * 'auto' (so the kernel holds the tissue limits); `region` is in preview pixels (null = everything).
 */
export async function buildStainField(
  image: PixelBuffer,
  params: ResolvedParams,
  region: AnalysisRegion | null,
  options: BuildOptions = {},
): Promise<StainField | null> {
  const kernel = prepareKernel({ ...params, tissue: 'auto' }, null);
  const { amountRG, amountB, tissueLimit } = kernel;
  const { width, height, channels, data } = image;
  const codes = new Uint16Array(width * height);
  const flags = new Uint8Array(width * height);
  const toCode = CODES_PER_OD / AMOUNT_SCALE;
  const rowsPerChunk = Math.max(1, options.rowsPerChunk ?? height);
  for (let y0 = 0; y0 < height; y0 += rowsPerChunk) {
    if (options.signal?.aborted) return null;
    const y1 = Math.min(height, y0 + rowsPerChunk);
    const rows = region ? new RegionRows(region, width, y0, y1) : null;
    const marks = CorrectionRows.of(region, width, y0, y1);
    for (let y = y0; y < y1; y++) {
      for (let x = 0, i = y * width, p = i * channels; x < width; x++, i++, p += channels) {
        const rg = (data[p]! << 8) | data[p + 1]!;
        const b = data[p + 2]!;
        const amount = amountRG[rg]! + amountB[b]!;
        // amount * toCode < 2^31 for any amount the kernel's tables produce, so | 0 floors it.
        const code = amount > 0 ? (amount * toCode) | 0 : 0;
        codes[i] = code < MAX_CODE ? code : MAX_CODE - 1;
        flags[i] = b < tissueLimit[rg]! ? TISSUE : 0;
      }
      const spans = rows ? rows.spans(y) : [0, width];
      for (let s = 0; s < spans.length; s += 2) {
        for (let i = y * width + spans[s]!, end = y * width + spans[s + 1]!; i < end; i++)
          flags[i]! |= IN_REGION;
      }
      if (marks) {
        const marked = marks.row(y, [0, width]);
        for (const [list, bit] of [
          [marked.add, MARKED_ADD],
          [marked.remove, MARKED_REMOVE],
        ] as const) {
          for (let s = 0; s < list.length; s += 2)
            for (let i = y * width + list[s]!, end = y * width + list[s + 1]!; i < end; i++) flags[i]! |= bit;
        }
      }
    }
    if (options.pause && y1 < height) await options.pause();
  }
  return { width, height, codes, flags };
}

/** Counts of analysed pixels by code, as suffix sums: any threshold's count and code sum are look-ups. */
export interface CodeSuffixes {
  /** count[c] = pixels with code >= c (length MAX_CODE + 2, the last entry 0). */
  count: Float64Array;
  /** codes[c] = sum of the codes of those pixels. */
  codes: Float64Array;
}

/**
 * The field as analysed with one tissue setting: codes zeroed outside the analysed pixels (so "stained"
 * is one comparison, code >= firstStainedCode, which is never true for 0), marked pixels forced, and the
 * histogram of the automatic codes over the analysed pixels with suffix sums, from which any threshold's
 * counts are two look-ups.
 */
export interface AnalysedField {
  width: number;
  height: number;
  codes: Uint16Array;
  analysedPx: number;
  /** suffixCount[c] = analysed pixels with (automatic) code >= c (length MAX_CODE + 2, the last entry 0). */
  suffixCount: Float64Array;
  /** suffixCodes[c] = sum of the codes of those pixels. */
  suffixCodes: Float64Array;
  /** The same over the analysed pixels marked stained, and over those marked not stained; null: none. */
  markedStained: CodeSuffixes | null;
  markedNotStained: CodeSuffixes | null;
  /** The histogram the automatic thresholds use (shared/analysis/thresholds.ts bins). */
  thresholdHistogram: Float64Array;
}

function suffixesOf(counts: Uint32Array): CodeSuffixes {
  const count = new Float64Array(MAX_CODE + 2);
  const codes = new Float64Array(MAX_CODE + 2);
  for (let c = MAX_CODE; c >= 0; c--) {
    count[c] = count[c + 1]! + counts[c]!;
    codes[c] = codes[c + 1]! + counts[c]! * c;
  }
  return { count, codes };
}

export function analyseField(field: StainField, detectTissue: boolean): AnalysedField {
  const { codes: raw, flags, width, height } = field;
  const required = detectTissue ? TISSUE | IN_REGION : IN_REGION;
  const codes = new Uint16Array(raw.length);
  const counts = new Uint32Array(MAX_CODE + 1);
  let addCounts: Uint32Array | null = null;
  let removeCounts: Uint32Array | null = null;
  let analysedPx = 0;
  for (let i = 0; i < raw.length; i++) {
    const flag = flags[i]!;
    if ((flag & required) !== required) continue;
    const code = raw[i]!;
    codes[i] = code;
    counts[code]!++;
    analysedPx++;
    if (flag & MARKED_REMOVE) {
      (removeCounts ??= new Uint32Array(MAX_CODE + 1))[code]!++;
      codes[i] = 0;
    } else if (flag & MARKED_ADD) {
      (addCounts ??= new Uint32Array(MAX_CODE + 1))[code]!++;
      codes[i] = MARKED_STAINED_CODE;
    }
  }
  const { count: suffixCount, codes: suffixCodes } = suffixesOf(counts);
  const thresholdHistogram = new Float64Array(HISTOGRAM_BINS);
  for (let c = 0; c <= MAX_CODE; c++) {
    if (counts[c] === 0) continue;
    const bin = Math.floor(c / CODES_PER_BIN);
    thresholdHistogram[bin < HISTOGRAM_BINS ? bin : HISTOGRAM_BINS - 1]! += counts[c]!;
  }
  return {
    width,
    height,
    codes,
    analysedPx,
    suffixCount,
    suffixCodes,
    markedStained: addCounts ? suffixesOf(addCounts) : null,
    markedNotStained: removeCounts ? suffixesOf(removeCounts) : null,
    thresholdHistogram,
  };
}

/**
 * The smallest code counted as stained at a threshold in OD (stained: amount > threshold). With the
 * threshold on the code grid (every slider step is), this is exact up to pixels lying on the threshold.
 */
export function firstStainedCode(thresholdOD: number): number {
  if (!Number.isFinite(thresholdOD)) return MAX_CODE + 1;
  // The small epsilon keeps 0.15 * 4000 = 600.0000000000001 on code 600.
  return Math.max(1, Math.min(MAX_CODE + 1, Math.ceil(thresholdOD * CODES_PER_OD - 1e-6)));
}

/** The first code the overlay draws as stained: as firstStainedCode, but marked pixels always show. */
export const overlayFirstCode = (thresholdOD: number | null): number =>
  Math.min(MARKED_STAINED_CODE, firstStainedCode(thresholdOD ?? Number.POSITIVE_INFINITY));
