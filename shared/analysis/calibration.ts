/**
 * Stain vectors from the image itself.
 *
 * - From a region of pure stain: the mean OD of its pixels, leaving out near-white ones (background
 *   shows through thin sections and would pull the vector towards grey), normalised.
 * - Macenko-style estimate of two stains (as QuPath's "Estimate stain vectors"): keep pixels whose OD is
 *   at least 0.05 in every channel and at most 1 in each, drop grey ones, find the plane of the two main
 *   eigenvectors of their OD covariance, and take the directions at the 1st and 99th percentile of the
 *   angle within that plane.
 */
import { AnalysisInputError } from './errors';
import type { PixelBuffer } from './kernel';
import { odLookupTable, type Rgb } from './optical-density';
import { hasIncludedArea, RegionRows, type AnalysisRegion } from './region';
import { angleDegrees, cross, dot, normalize, type Vec3 } from './stain-matrix';

/** Pixels whose summed OD is at most this are near-white and left out of a calibration. */
export const CALIBRATION_MIN_SUMMED_OD = 0.15;

function forEachPixel(
  image: PixelBuffer,
  region: AnalysisRegion | null,
  visit: (r: number, g: number, b: number) => void,
  stride = 1,
): void {
  const { width, channels, data } = image;
  // The buffer may hold only the rows around the region (see PixelBuffer.firstRow).
  const first = image.firstRow ?? 0;
  const end = Math.min(image.height, first + Math.floor(data.length / (width * channels)));
  const rows = region ? new RegionRows(region, width, first, end) : null;
  let counter = 0;
  for (let y = first; y < end; y++) {
    const spans = rows ? rows.spans(y) : [0, width];
    for (let s = 0; s < spans.length; s += 2) {
      for (let x = spans[s]!; x < spans[s + 1]!; x++) {
        if (counter++ % stride !== 0) continue;
        const p = ((y - first) * width + x) * channels;
        visit(data[p]!, data[p + 1]!, data[p + 2]!);
      }
    }
  }
}

/** Image rows [top, top + rows) that the region's polygons and masks can touch (all rows without a region). */
export function regionRowRange(region: AnalysisRegion | null, height: number): { top: number; rows: number } {
  if (!region || !hasIncludedArea(region)) return { top: 0, rows: height };
  let minY = Infinity;
  let maxY = -Infinity;
  for (const polygon of region.include ?? []) {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i += 2) {
        minY = Math.min(minY, ring[i]!);
        maxY = Math.max(maxY, ring[i]!);
      }
    }
  }
  for (const mask of region.includeMasks ?? []) {
    minY = Math.min(minY, mask.top * mask.scale);
    maxY = Math.max(maxY, (mask.top + mask.height) * mask.scale);
  }
  const top = Math.max(0, Math.min(height, Math.floor(minY)));
  const end = Math.max(top, Math.min(height, Math.ceil(maxY) + 1));
  return { top, rows: end - top };
}

export interface CalibratedStain {
  od: Vec3;
  /** Pixels that went into the mean. */
  pixels: number;
}

export function stainFromRegion(image: PixelBuffer, region: AnalysisRegion, white: Rgb): CalibratedStain {
  const tables = [0, 1, 2].map((c) => odLookupTable(white[c]!)) as [Float64Array, Float64Array, Float64Array];
  const sum: Vec3 = [0, 0, 0];
  let pixels = 0;
  forEachPixel(image, region, (r, g, b) => {
    const odR = tables[0][r]!;
    const odG = tables[1][g]!;
    const odB = tables[2][b]!;
    if (odR + odG + odB <= CALIBRATION_MIN_SUMMED_OD) return;
    sum[0] += odR;
    sum[1] += odG;
    sum[2] += odB;
    pixels++;
  });
  if (pixels === 0) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      'The calibration region holds no stained pixel (all near-white or outside the image): select a region of pure stain.',
    );
  }
  return { od: normalize([sum[0] / pixels, sum[1] / pixels, sum[2] / pixels], 'calibrated stain'), pixels };
}

/** Eigenvectors of a symmetric 3x3 matrix (Jacobi rotations), sorted by decreasing eigenvalue. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: Vec3[] } {
  const a = matrix.map((row) => [...row]);
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[0]![1]! ** 2 + a[0]![2]! ** 2 + a[1]![2]! ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      if (Math.abs(a[p]![q]!) < 1e-300) continue;
      const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k]![p]!;
        const akq = a[k]![q]!;
        a[k]![p] = c * akp - s * akq;
        a[k]![q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p]![k]!;
        const aqk = a[q]![k]!;
        a[p]![k] = c * apk - s * aqk;
        a[q]![k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k]![p]!;
        const vkq = v[k]![q]!;
        v[k]![p] = c * vkp - s * vkq;
        v[k]![q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j]![j]! - a[i]![i]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => [v[0]![i]!, v[1]![i]!, v[2]![i]!] as Vec3),
  };
}

export interface MacenkoOptions {
  /** Minimum OD in every channel (QuPath: 0.05). */
  minOD?: number;
  /** Maximum OD in any channel (QuPath: 1). */
  maxOD?: number;
  /** Pixels closer than this angle to grey (equal OD in R, G, B) are dropped. */
  greyAngleDegrees?: number;
  /** Angle percentiles, 1 and 99 by default. */
  percentile?: number;
  /** Use at most about this many pixels (an even sample), for speed on large images. */
  maxPixels?: number;
}

export interface MacenkoEstimate {
  /** Two unit vectors; the one absorbing more red first (haematoxylin-like before eosin-like). */
  stains: [Vec3, Vec3];
  pixels: number;
}

export function estimateStainsMacenko(
  image: PixelBuffer,
  region: AnalysisRegion | null,
  white: Rgb,
  options: MacenkoOptions = {},
): MacenkoEstimate {
  const minOD = options.minOD ?? 0.05;
  const maxOD = options.maxOD ?? 1;
  const greyAngle = options.greyAngleDegrees ?? 10;
  const percentile = options.percentile ?? 1;
  const stride = Math.max(1, Math.floor((image.width * image.height) / (options.maxPixels ?? 500_000)));
  const tables = [0, 1, 2].map((c) => odLookupTable(white[c]!)) as [Float64Array, Float64Array, Float64Array];
  const grey: Vec3 = [1, 1, 1];
  const samples: number[] = [];
  forEachPixel(
    image,
    region,
    (r, g, b) => {
      const od: Vec3 = [tables[0][r]!, tables[1][g]!, tables[2][b]!];
      if (od.some((v) => v < minOD || v > maxOD)) return;
      if (angleDegrees(od, grey) < greyAngle) return;
      samples.push(od[0], od[1], od[2]);
    },
    stride,
  );
  const n = samples.length / 3;
  if (n < 100) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `Too few stained, non-grey pixels (${n}) to estimate stain vectors: choose a region with both stains, or calibrate each from a region of pure stain.`,
    );
  }
  const mean = [0, 0, 0];
  for (let i = 0; i < samples.length; i += 3) for (let c = 0; c < 3; c++) mean[c]! += samples[i + c]! / n;
  const cov = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < samples.length; i += 3) {
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q < 3; q++)
        cov[p]![q]! += ((samples[i + p]! - mean[p]!) * (samples[i + q]! - mean[q]!)) / n;
    }
  }
  let [e1, e2] = symmetricEigen(cov).vectors as [Vec3, Vec3];
  // Orient the plane so stains project with positive coordinates (OD vectors are all positive).
  if (e1[0] + e1[1] + e1[2] < 0) e1 = [-e1[0], -e1[1], -e1[2]];
  if (e2[0] + e2[1] + e2[2] < 0) e2 = [-e2[0], -e2[1], -e2[2]];
  const angles = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const od: Vec3 = [samples[3 * i]!, samples[3 * i + 1]!, samples[3 * i + 2]!];
    angles[i] = Math.atan2(dot(od, e2), dot(od, e1));
  }
  angles.sort();
  const at = (p: number) => angles[Math.min(n - 1, Math.max(0, Math.round((p / 100) * (n - 1))))]!;
  const direction = (phi: number): Vec3 =>
    normalize([
      Math.cos(phi) * e1[0] + Math.sin(phi) * e2[0],
      Math.cos(phi) * e1[1] + Math.sin(phi) * e2[1],
      Math.cos(phi) * e1[2] + Math.sin(phi) * e2[2],
    ]);
  let first = direction(at(percentile));
  let second = direction(at(100 - percentile));
  if (second[0] > first[0]) [first, second] = [second, first];
  // A degenerate plane (one stain only) gives two near-identical vectors: say so rather than mislead.
  if (angleDegrees(first, second) < 2 || Math.hypot(...cross(first, second)) < 1e-6) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      'The region shows only one stain colour: the estimate needs pixels of both stains.',
    );
  }
  return { stains: [first, second], pixels: n };
}
