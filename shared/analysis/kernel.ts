/**
 * The per-band kernel: everything that touches pixels. A band is a run of whole image rows; every
 * function here gives, for each pixel, exactly the value it would give for the whole image at once (the
 * Gaussian reads a halo of rows; sums are kept per row), so any banding gives bit-identical results.
 */
import { blurBand, gaussianKernel, gaussianRadius } from './gaussian';
import { accumulateBrightHistogram, odLookupTable, weightedOdTables } from './optical-density';
import type { ResolvedParams } from './protocol';
import { RegionRows, type AnalysisRegion } from './region';
import { HISTOGRAM_BINS, histogramBin } from './thresholds';

/** Interleaved 8-bit pixels, row-major, `channels` bytes per pixel (3 = RGB, 4 = RGBA: alpha ignored). */
export interface PixelBuffer {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

/** Look-up tables and filter weights derived once from the resolved parameters. */
export interface PreparedKernel {
  params: ResolvedParams;
  region: AnalysisRegion | null;
  amountTables: [Float64Array, Float64Array, Float64Array];
  odTables: [Float64Array, Float64Array, Float64Array];
  gaussian: Float64Array | null;
}

export function prepareKernel(params: ResolvedParams, region: AnalysisRegion | null): PreparedKernel {
  const white = params.white.rgb;
  return {
    params,
    region,
    amountTables: weightedOdTables(white, params.unmixing),
    odTables: [odLookupTable(white[0]), odLookupTable(white[1]), odLookupTable(white[2])],
    gaussian: params.smoothingSigmaPx ? gaussianKernel(params.smoothingSigmaPx) : null,
  };
}

/** Stain amounts of rows [y0, y1) after the Gaussian prefilter (which reads a halo of rows). */
function smoothedAmounts(image: PixelBuffer, kernel: PreparedKernel, y0: number, y1: number): Float32Array {
  const { width, height, channels, data } = image;
  const [aR, aG, aB] = kernel.amountTables;
  const weights = kernel.gaussian!;
  const radius = (weights.length - 1) >> 1;
  const first = Math.max(0, y0 - radius);
  const end = Math.min(height, y1 + radius);
  const raw = new Float32Array((end - first) * width);
  for (let y = first, i = 0; y < end; y++) {
    for (let p = y * width * channels, pe = p + width * channels; p < pe; p += channels, i++) {
      raw[i] = aR[data[p]!]! + aG[data[p + 1]!]! + aB[data[p + 2]!]!;
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
  accumulateBrightHistogram(
    image.data as Uint8Array,
    y0 * rowBytes,
    y1 * rowBytes,
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
  const [aR, aG, aB] = kernel.amountTables;
  const [oR, oG, oB] = kernel.odTables;
  const tissue = kernel.params.tissue === 'auto';
  const tissueOD = kernel.params.tissueThresholdOD;
  const smoothed = kernel.gaussian ? smoothedAmounts(image, kernel, y0, y1) : null;
  const rows = kernel.region ? new RegionRows(kernel.region, width, y0, y1) : null;
  const fullRow = [0, width];
  const histogram = new Float64Array(HISTOGRAM_BINS);
  for (let y = y0; y < y1; y++) {
    const spans = rows ? rows.spans(y) : fullRow;
    for (let s = 0; s < spans.length; s += 2) {
      for (let x = spans[s]!, xe = spans[s + 1]!; x < xe; x++) {
        const p = (y * width + x) * channels;
        const r = data[p]!;
        const g = data[p + 1]!;
        const b = data[p + 2]!;
        if (tissue && oR[r]! + oG[g]! + oB[b]! <= tissueOD) continue;
        const amount = smoothed ? smoothed[(y - y0) * width + x]! : aR[r]! + aG[g]! + aB[b]!;
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
  /** Sum of the (unsmoothed) stain amount of stained pixels, per row: rows add up in a fixed order. */
  rowStainedOD: Float64Array;
  runs: BandRuns | null;
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
  const [aR, aG, aB] = kernel.amountTables;
  const [oR, oG, oB] = kernel.odTables;
  const tissue = kernel.params.tissue === 'auto';
  const tissueOD = kernel.params.tissueThresholdOD;
  const smoothed = kernel.gaussian ? smoothedAmounts(image, kernel, y0, y1) : null;
  const rows = kernel.region ? new RegionRows(kernel.region, width, y0, y1) : null;
  const fullRow = [0, width];
  const rowStainedOD = new Float64Array(y1 - y0);
  const collector = collectRuns ? new RunCollector(width, y1 - y0) : null;
  let analysedPx = 0;
  let stainedPx = 0;
  for (let y = y0; y < y1; y++) {
    const spans = rows ? rows.spans(y) : fullRow;
    collector?.startRow();
    let rowSum = 0;
    for (let s = 0; s < spans.length; s += 2) {
      for (let x = spans[s]!, xe = spans[s + 1]!; x < xe; x++) {
        const p = (y * width + x) * channels;
        const r = data[p]!;
        const g = data[p + 1]!;
        const b = data[p + 2]!;
        if (tissue && oR[r]! + oG[g]! + oB[b]! <= tissueOD) continue;
        analysedPx++;
        const amount = aR[r]! + aG[g]! + aB[b]!;
        const value = smoothed ? smoothed[(y - y0) * width + x]! : amount;
        if (value > threshold) {
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
  }
  return { y0, y1, analysedPx, stainedPx, rowStainedOD, runs: collector ? collector.finish() : null };
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
