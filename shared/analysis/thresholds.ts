/**
 * Automatic thresholds over a fixed-bin histogram of stain amounts in the analysed region. The bins are
 * fixed (not fitted to the data's min and max) so that histograms of tiles add up exactly: the same
 * threshold comes out whatever the tiling.
 */

/** Bin width in OD units: 0.005 OD is far finer than any meaningful threshold difference. */
export const HISTOGRAM_BINS_PER_OD = 200;
/** The histogram covers 0..3 OD; amounts at or below 0 fall in the first bin, above 3 in the last. */
export const HISTOGRAM_BINS = 600;

export function histogramBin(amount: number): number {
  if (!(amount > 0)) return 0;
  const bin = Math.floor(amount * HISTOGRAM_BINS_PER_OD);
  return bin < HISTOGRAM_BINS ? bin : HISTOGRAM_BINS - 1;
}

/** The OD above which a pixel counts as stained when bins 0..k are background. */
export const thresholdOfBin = (k: number): number => (k + 1) / HISTOGRAM_BINS_PER_OD;

/**
 * Otsu (1979): the split that maximises the between-class variance, with class 1 = bins 0..k. Same
 * formula and tie rule (first maximum) as scikit-image's threshold_otsu. Null when fewer than two
 * non-empty bins exist (no split separates anything).
 */
export function otsuBin(histogram: ArrayLike<number>): number | null {
  const n = histogram.length;
  let total = 0;
  let totalMoment = 0;
  for (let i = 0; i < n; i++) {
    total += histogram[i]!;
    totalMoment += i * histogram[i]!;
  }
  let weight1 = 0;
  let moment1 = 0;
  let best = -1;
  let bestK: number | null = null;
  for (let k = 0; k < n - 1; k++) {
    weight1 += histogram[k]!;
    moment1 += k * histogram[k]!;
    const weight2 = total - weight1;
    if (weight1 === 0 || weight2 === 0) continue;
    const mean1 = moment1 / weight1;
    const mean2 = (totalMoment - moment1) / weight2;
    const between = weight1 * weight2 * (mean1 - mean2) * (mean1 - mean2);
    if (between > best) {
      best = between;
      bestK = k;
    }
  }
  return bestK;
}

/**
 * Triangle method (Zack et al. 1977), as scikit-image's threshold_triangle: the line from the peak to
 * the far end of the longer tail, and the bin furthest below it. Stained = bins above the result.
 */
export function triangleBin(histogram: ArrayLike<number>): number | null {
  const n = histogram.length;
  let low = -1;
  let high = -1;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const count = histogram[i]!;
    if (count > 0) {
      if (low < 0) low = i;
      high = i;
    }
    if (count > histogram[peak]!) peak = i;
  }
  if (low < 0 || low === high) return null;
  // Work on the longer tail: flip when the left tail is shorter (the usual case for stain amounts).
  const flip = peak - low < high - peak;
  const at = (i: number): number => histogram[flip ? n - 1 - i : i]!;
  const lowLevel = flip ? n - 1 - high : low;
  const peakLevel = flip ? n - 1 - peak : peak;
  const peakHeight = at(peakLevel);
  const width = peakLevel - lowLevel;
  if (width <= 0) return flip ? n - 1 - peakLevel : peakLevel;
  const scale = Math.hypot(peakHeight, width);
  const h = peakHeight / scale;
  const w = width / scale;
  let bestLength = -Infinity;
  let level = lowLevel;
  for (let x = 0; x < width; x++) {
    const length = h * x - w * at(x + lowLevel);
    if (length > bestLength) {
      bestLength = length;
      level = x + lowLevel;
    }
  }
  return flip ? n - 1 - level : level;
}
