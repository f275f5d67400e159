/**
 * The per-band kernel: everything that touches pixels. A band is a run of whole image rows; every
 * function here gives, for each pixel, exactly the value it would give for the whole image at once (the
 * Gaussian reads a halo of rows; sums are kept per row), so any banding gives bit-identical results.
 */
import { blurBand, gaussianKernel, gaussianRadius } from './gaussian';
import {
  collectRowPieces,
  CorrectionRows,
  MARKED_NOT_STAINED,
  MARKED_STAINED,
  PieceCollector,
  type CorrectionPieces,
  type PixelProbe,
} from './corrections';
import { accumulateBrightHistogram, odLookupTable, weightedOdTables } from './optical-density';
import type { ResolvedParams } from './protocol';
import { RegionRows, type AnalysisRegion } from './region';
import { HISTOGRAM_BINS, histogramBin } from './thresholds';

/**
 * Interleaved 8-bit pixels, row-major, `channels` bytes per pixel (3 = RGB, 4 = RGBA: alpha ignored).
 * `data` may hold only a strip of the image: rows firstRow.. (a large TIFF is decoded strip by strip);
 * `height` is always the full image height, which the Gaussian's edge clamping and the ROI refer to.
 */
export interface PixelBuffer {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
  /** First image row held in `data` (default 0). */
  firstRow?: number;
}

/**
 * Stain amounts are integers in units of 2^-20 OD inside the kernel: sums of integers are exact, so
 * totals do not depend on the order bands are added in, and a resolution of 1e-6 OD is far below any
 * threshold that matters. (Amounts stay below 2^31 for unmixing weights under about 400.)
 */
export const AMOUNT_SCALE = 1 << 20;

/**
 * Look-up tables derived once from the resolved parameters. The amount of a pixel is
 * amountRG[r << 8 | g] + amountB[b]. Because the blue term is monotonic in b, "is tissue" and "is
 * stained" reduce to one comparison each against a per-(r, g) limit on b: tissue when
 * b < tissueLimit[rg], stained when (b ^ stainFlip) < stainLimit[rg] (stainFlip = 255 reverses b when the
 * blue weight is negative). Two small-table look-ups per pixel decide everything.
 */
export interface PreparedKernel {
  params: ResolvedParams;
  region: AnalysisRegion | null;
  amountRG: Int32Array;
  amountB: Int32Array;
  tissueLimit: Uint16Array;
  stainFlip: number;
  gaussian: Float64Array | null;
  /** stainLimits of the last threshold asked for: every band of a pass shares it. */
  stainLimitCache: { threshold: number; limits: Uint16Array } | null;
}

const toFixed = (table: Float64Array): Int32Array =>
  Int32Array.from(table, (v) => Math.round(v * AMOUNT_SCALE));

/** For each (r, g): the number of keys k (0..256) with base + blue[k] > threshold; blue is non-increasing. */
function prefixLimits(base: Int32Array, blue: Int32Array, threshold: number): Uint16Array {
  const limits = new Uint16Array(65536);
  for (let rg = 0; rg < 65536; rg++) {
    let lo = 0;
    let hi = 256;
    const start = base[rg]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (start + blue[mid]! > threshold) lo = mid + 1;
      else hi = mid;
    }
    limits[rg] = lo;
  }
  return limits;
}

function pairTable(red: Int32Array, green: Int32Array): Int32Array {
  const table = new Int32Array(65536);
  for (let r = 0; r < 256; r++) for (let g = 0; g < 256; g++) table[(r << 8) | g] = red[r]! + green[g]!;
  return table;
}

export function prepareKernel(params: ResolvedParams, region: AnalysisRegion | null): PreparedKernel {
  const white = params.white.rgb;
  const [aR, aG, aB] = weightedOdTables(white, params.unmixing).map(toFixed) as [
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  const od = [0, 1, 2].map((c) => toFixed(odLookupTable(white[c]!))) as [Int32Array, Int32Array, Int32Array];
  let tissueLimit: Uint16Array;
  if (params.tissue === 'auto') {
    // OD never rises with intensity, so "summed OD above the threshold" holds for a prefix of b values.
    tissueLimit = prefixLimits(pairTable(od[0], od[1]), od[2], params.tissueThresholdOD * AMOUNT_SCALE);
  } else {
    tissueLimit = new Uint16Array(65536).fill(256);
  }
  return {
    params,
    region,
    amountRG: pairTable(aR, aG),
    amountB: aB,
    tissueLimit,
    // A negative blue weight makes the blue term rise with b: walk b backwards (b ^ 255 = 255 - b).
    stainFlip: params.unmixing[2] < 0 ? 255 : 0,
    gaussian: params.smoothingSigmaPx ? gaussianKernel(params.smoothingSigmaPx) : null,
    stainLimitCache: null,
  };
}

/** Per-(r, g) limits on b for "stained" at a threshold in OD (see PreparedKernel). */
export function stainLimits(kernel: PreparedKernel, threshold: number): Uint16Array {
  if (kernel.stainLimitCache?.threshold === threshold) return kernel.stainLimitCache.limits;
  const flip = kernel.stainFlip;
  const blue = new Int32Array(256);
  for (let k = 0; k < 256; k++) blue[k] = kernel.amountB[k ^ flip]!;
  const limits = prefixLimits(kernel.amountRG, blue, threshold * AMOUNT_SCALE);
  kernel.stainLimitCache = { threshold, limits };
  return limits;
}

/** Stain amounts of rows [y0, y1) after the Gaussian prefilter (which reads a halo of rows). */
function smoothedAmounts(image: PixelBuffer, kernel: PreparedKernel, y0: number, y1: number): Float32Array {
  const { width, height, channels, data } = image;
  const base = image.firstRow ?? 0;
  const { amountRG, amountB } = kernel;
  const weights = kernel.gaussian!;
  const radius = (weights.length - 1) >> 1;
  const first = Math.max(0, y0 - radius);
  const end = Math.min(height, y1 + radius);
  const raw = new Float32Array((end - first) * width);
  for (let y = first, i = 0; y < end; y++) {
    for (let p = (y - base) * width * channels, pe = p + width * channels; p < pe; p += channels, i++) {
      raw[i] = (amountRG[(data[p]! << 8) | data[p + 1]!]! + amountB[data[p + 2]!]!) / AMOUNT_SCALE;
    }
  }
  const out = new Float32Array((y1 - y0) * width);
  blurBand(raw, width, first, end - first, height, weights, y0, y1 - y0, out);
  return out;
}

export const haloRows = (params: ResolvedParams): number =>
  params.smoothingSigmaPx ? gaussianRadius(params.smoothingSigmaPx) : 0;

/** Per-channel histograms of bright pixels for the white point estimate (3 x 256 counts). */
export function whiteHistogramBand(image: PixelBuffer, y0: number, y1: number): Float64Array {
  const histogram = new Float64Array(3 * 256);
  const rowBytes = image.width * image.channels;
  const base = image.firstRow ?? 0;
  accumulateBrightHistogram(
    image.data as Uint8Array,
    (y0 - base) * rowBytes,
    (y1 - base) * rowBytes,
    image.channels,
    histogram,
  );
  return histogram;
}

/** Histogram of the (smoothed) stain amount over the analysed pixels of rows [y0, y1). */
export function amountHistogramBand(
  image: PixelBuffer,
  kernel: PreparedKernel,
  y0: number,
  y1: number,
): Float64Array {
  const { width, channels, data } = image;
  const base = image.firstRow ?? 0;
  const { amountRG, amountB, tissueLimit } = kernel;
  const smoothed = kernel.gaussian ? smoothedAmounts(image, kernel, y0, y1) : null;
  const rows = kernel.region ? new RegionRows(kernel.region, width, y0, y1) : null;
  const fullRow = [0, width];
  const histogram = new Float64Array(HISTOGRAM_BINS);
  for (let y = y0; y < y1; y++) {
    const spans = rows ? rows.spans(y) : fullRow;
    for (let s = 0; s < spans.length; s += 2) {
      for (let x = spans[s]!, xe = spans[s + 1]!; x < xe; x++) {
        const p = ((y - base) * width + x) * channels;
        const rg = (data[p]! << 8) | data[p + 1]!;
        const b = data[p + 2]!;
        if (b >= tissueLimit[rg]!) continue;
        const amount = smoothed
          ? smoothed[(y - y0) * width + x]!
          : (amountRG[rg]! + amountB[b]!) / AMOUNT_SCALE;
        histogram[histogramBin(amount)]!++;
      }
    }
  }
  return histogram;
}

/**
 * Stained runs of a band for the size filters: each maximal run of stained pixels in a row, and for each
 * gap between runs (runs + 1 gaps per row, the first before the first run) whether it holds a pixel
 * outside the analysed region (such a gap can never be a hole) and the summed stain amount of its pixels.
 */
export interface BandRuns {
  /** Runs per row of the band. */
  rowRunCount: Int32Array;
  runStart: Int32Array;
  runEnd: Int32Array;
  runOD: Float64Array;
  gapHasOutside: Uint8Array;
  gapOD: Float64Array;
}

export interface BandMeasure {
  y0: number;
  y1: number;
  analysedPx: number;
  stainedPx: number;
  /** Summed (unsmoothed) amount of stained pixels per row, in 1 / AMOUNT_SCALE OD: exact integers. */
  rowStainedOD: Float64Array;
  runs: BandRuns | null;
  /** Marked pixels of the band (corrections.ts), applied after the size filters; null without marks. */
  corrections: CorrectionPieces | null;
}

/** Count analysed and stained pixels of rows [y0, y1) (stained: smoothed amount > threshold). */
export function measureBand(
  image: PixelBuffer,
  kernel: PreparedKernel,
  y0: number,
  y1: number,
  threshold: number,
  collectRuns: boolean,
): BandMeasure {
  const { width, channels, data } = image;
  const base = image.firstRow ?? 0;
  const { amountRG, amountB, tissueLimit, stainFlip } = kernel;
  const smoothed = kernel.gaussian ? smoothedAmounts(image, kernel, y0, y1) : null;
  // Unsmoothed, the stain decision is a table look-up too; smoothed, it compares the filtered value.
  const stainLimit = smoothed ? null : stainLimits(kernel, threshold);
  const rows = kernel.region ? new RegionRows(kernel.region, width, y0, y1) : null;
  const fullRow = [0, width];
  const rowStainedOD = new Float64Array(y1 - y0);
  const collector = collectRuns ? new RunCollector(width, y1 - y0) : null;
  const marks = CorrectionRows.of(kernel.region, width, y0, y1);
  const pieces = marks ? new PieceCollector() : null;
  // The same tissue and stain decisions as the loops below, for the marked pixels only.
  let probeRow = 0;
  const probe: PixelProbe = {
    amount: 0,
    stained: false,
    inside(x) {
      const p = ((probeRow - base) * width + x) * channels;
      const rg = (data[p]! << 8) | data[p + 1]!;
      const b = data[p + 2]!;
      if (b >= tissueLimit[rg]!) return false;
      this.amount = amountRG[rg]! + amountB[b]!;
      this.stained = stainLimit
        ? (b ^ stainFlip) < stainLimit[rg]!
        : smoothed![(probeRow - y0) * width + x]! > threshold;
      return true;
    },
  };
  let analysedPx = 0;
  let stainedPx = 0;
  for (let y = y0; y < y1; y++) {
    const spans = rows ? rows.spans(y) : fullRow;
    collector?.startRow();
    let rowSum = 0;
    for (let s = 0; s < spans.length; s += 2) {
      const xe = spans[s + 1]!;
      if (stainLimit && !collector) {
        // The hot loop: two look-ups decide tissue and stain; the amount is read for stained pixels only.
        for (let x = spans[s]!, p = ((y - base) * width + x) * channels; x < xe; x++, p += channels) {
          const rg = (data[p]! << 8) | data[p + 1]!;
          const b = data[p + 2]!;
          if (b >= tissueLimit[rg]!) continue;
          analysedPx++;
          if ((b ^ stainFlip) < stainLimit[rg]!) {
            stainedPx++;
            rowSum += amountRG[rg]! + amountB[b]!;
          }
        }
        continue;
      }
      for (let x = spans[s]!, p = ((y - base) * width + x) * channels; x < xe; x++, p += channels) {
        const rg = (data[p]! << 8) | data[p + 1]!;
        const b = data[p + 2]!;
        if (b >= tissueLimit[rg]!) continue;
        analysedPx++;
        const amount = amountRG[rg]! + amountB[b]!;
        const stained = stainLimit
          ? (b ^ stainFlip) < stainLimit[rg]!
          : smoothed![(y - y0) * width + x]! > threshold;
        if (stained) {
          stainedPx++;
          rowSum += amount;
          collector?.set(x, 2, amount);
        } else {
          collector?.set(x, 1, amount);
        }
      }
    }
    rowStainedOD[y - y0] = rowSum;
    collector?.endRow();
    if (marks && pieces) {
      const marked = marks.row(y, spans);
      probeRow = y;
      collectRowPieces(pieces, y, marked.remove, MARKED_NOT_STAINED, probe);
      collectRowPieces(pieces, y, marked.add, MARKED_STAINED, probe);
    }
  }
  return {
    y0,
    y1,
    analysedPx,
    stainedPx,
    rowStainedOD,
    runs: collector ? collector.finish() : null,
    corrections: pieces ? pieces.finish() : null,
  };
}

/** Turns each row's pixel states (0 outside, 1 analysed, 2 stained) into runs and gaps. */
class RunCollector {
  private readonly state: Uint8Array;
  private readonly amount: Float64Array;
  private readonly rowRunCount: Int32Array;
  private row = -1;
  private runStart: number[] = [];
  private runEnd: number[] = [];
  private runOD: number[] = [];
  private gapHasOutside: number[] = [];
  private gapOD: number[] = [];

  constructor(
    private readonly width: number,
    rows: number,
  ) {
    this.state = new Uint8Array(width);
    this.amount = new Float64Array(width);
    this.rowRunCount = new Int32Array(rows);
  }

  startRow(): void {
    this.row++;
    this.state.fill(0);
  }

  set(x: number, state: number, amount: number): void {
    this.state[x] = state;
    this.amount[x] = amount;
  }

  endRow(): void {
    const { state, amount, width } = this;
    let runs = 0;
    let gapOutside = 0;
    let gapSum = 0;
    let x = 0;
    while (x < width) {
      if (state[x] === 2) {
        this.gapHasOutside.push(gapOutside);
        this.gapOD.push(gapSum);
        const start = x;
        let sum = 0;
        while (x < width && state[x] === 2) sum += amount[x++]!;
        this.runStart.push(start);
        this.runEnd.push(x);
        this.runOD.push(sum);
        runs++;
        gapOutside = 0;
        gapSum = 0;
      } else {
        if (state[x] === 0) gapOutside = 1;
        else gapSum += amount[x]!;
        x++;
      }
    }
    this.gapHasOutside.push(gapOutside);
    this.gapOD.push(gapSum);
    this.rowRunCount[this.row] = runs;
  }

  finish(): BandRuns {
    return {
      rowRunCount: this.rowRunCount,
      runStart: Int32Array.from(this.runStart),
      runEnd: Int32Array.from(this.runEnd),
      runOD: Float64Array.from(this.runOD),
      gapHasOutside: Uint8Array.from(this.gapHasOutside),
      gapOD: Float64Array.from(this.gapOD),
    };
  }
}
