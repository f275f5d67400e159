/**
 * Separable Gaussian prefilter over rows of a float image. Edges repeat the nearest pixel (scikit-image's
 * and scipy's default 'nearest' mode) in full-image coordinates, and each output pixel is a sum over
 * the same inputs in the same order whatever the band it is computed in: tiled results are identical.
 */

/** The kernel reaches 4 sigma, as scipy.ndimage.gaussian_filter's default truncate=4.0. */
export const GAUSSIAN_TRUNCATE = 4;

export function gaussianRadius(sigma: number): number {
  return sigma > 0 ? Math.ceil(GAUSSIAN_TRUNCATE * sigma) : 0;
}

export function gaussianKernel(sigma: number): Float64Array {
  const radius = gaussianRadius(sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp((-0.5 * i * i) / (sigma * sigma));
    kernel[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  return kernel;
}

/**
 * Blur `rows` rows of `source` (width `width`, holding image rows firstRow..firstRow+sourceRows-1, i.e.
 * the band plus a halo of `radius` rows each side, clamped at the image edges) and write the rows
 * outFirst..outFirst+outRows-1 into `out`. imageHeight bounds the clamping.
 */
export function blurBand(
  source: Float32Array,
  width: number,
  firstRow: number,
  sourceRows: number,
  imageHeight: number,
  kernel: Float64Array,
  outFirst: number,
  outRows: number,
  out: Float32Array,
): void {
  const radius = (kernel.length - 1) >> 1;
  const horizontal = new Float32Array(width * sourceRows);
  for (let r = 0; r < sourceRows; r++) {
    const rowStart = r * width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        let xx = x + k;
        if (xx < 0) xx = 0;
        else if (xx >= width) xx = width - 1;
        sum += kernel[k + radius]! * source[rowStart + xx]!;
      }
      horizontal[rowStart + x] = sum;
    }
  }
  const lastSourceRow = firstRow + sourceRows - 1;
  const accumulator = new Float64Array(width);
  for (let r = 0; r < outRows; r++) {
    const y = outFirst + r;
    // The caller supplies every row the kernel reaches (the halo); a wrong halo is a programming error.
    if (Math.max(0, y - radius) < firstRow || Math.min(imageHeight - 1, y + radius) > lastSourceRow) {
      throw new Error('blurBand: halo too small');
    }
    accumulator.fill(0);
    // k outermost keeps memory access row by row; each pixel still sums k = -radius..radius in order.
    for (let k = -radius; k <= radius; k++) {
      let yy = y + k;
      if (yy < 0) yy = 0;
      else if (yy >= imageHeight) yy = imageHeight - 1;
      const weight = kernel[k + radius]!;
      const rowStart = (yy - firstRow) * width;
      for (let x = 0; x < width; x++) accumulator[x] += weight * horizontal[rowStart + x]!;
    }
    const outStart = r * width;
    for (let x = 0; x < width; x++) out[outStart + x] = accumulator[x]!;
  }
}
