/**
 * Stain vectors and the stain matrix of colour deconvolution (Ruifrok & Johnston 2001).
 *
 * A stain is a unit vector of optical density per channel (R, G, B). With the stain matrix S (rows =
 * stains), a pixel's stain amounts are c = OD * inverse(S). Two stains are completed with a third row,
 * the normalised cross product of the first two, as QuPath and scikit-image do.
 */
import { AnalysisInputError } from './errors';

export type Vec3 = [number, number, number];
/** Row-major 3x3 matrix: m[row][column]. */
export type Mat3 = [Vec3, Vec3, Vec3];

export interface NamedStain {
  name: string;
  od: Vec3;
}

/** A complete 3-stain matrix, as used by the per-pixel kernel and reported in the results. */
export interface StainMatrix {
  names: [string, string, string];
  /** Unit OD vectors, one row per stain. */
  vectors: Mat3;
  /** True when the third row was derived as the cross product of the first two. */
  derivedThird: boolean;
}

/** Two stains closer than this angle cannot be told apart by deconvolution. */
export const MIN_STAIN_ANGLE_DEGREES = 2;

export const norm = (v: Vec3): number => Math.hypot(v[0], v[1], v[2]);

export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

export function normalize(v: Vec3, what = 'stain vector'): Vec3 {
  const n = norm(v);
  if (!Number.isFinite(n) || n < 1e-9) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `The ${what} [${v.join(', ')}] has no optical density (all zero): a stain must absorb light in at least one channel.`,
    );
  }
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Angle in degrees between two vectors (0..90: a stain and its negative are the same direction). */
export function angleDegrees(a: Vec3, b: Vec3): number {
  const cosine = Math.min(1, Math.abs(dot(a, b)) / (norm(a) * norm(b)));
  return (Math.acos(cosine) * 180) / Math.PI;
}

function refuseParallel(a: NamedStain, b: NamedStain): void {
  const angle = angleDegrees(a.od, b.od);
  if (angle < MIN_STAIN_ANGLE_DEGREES) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `The stain vectors "${a.name}" [${a.od.map((x) => x.toFixed(3)).join(', ')}] and "${b.name}" [${b.od
        .map((x) => x.toFixed(3))
        .join(
          ', ',
        )}] are parallel (${angle.toFixed(2)} degrees apart): deconvolution cannot separate them. ` +
        'Choose stains of clearly different colours or calibrate them from the image.',
    );
  }
}

/**
 * Normalise 2 or 3 stains into a complete matrix. Two stains get the normalised cross product as a
 * third ("residual") row. Parallel or zero vectors are refused with a message naming them.
 */
export function buildStainMatrix(stains: readonly NamedStain[]): StainMatrix {
  if (stains.length < 2 || stains.length > 3) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `A stain matrix needs 2 or 3 stains; ${stains.length} were given.`,
    );
  }
  const unit = stains.map((s) => ({ name: s.name, od: normalize(s.od, `stain vector "${s.name}"`) }));
  for (let i = 0; i < unit.length; i++) {
    for (let j = i + 1; j < unit.length; j++) refuseParallel(unit[i]!, unit[j]!);
  }
  const [first, second] = unit as [NamedStain, NamedStain];
  const third: NamedStain = unit[2] ?? {
    name: 'residual',
    od: normalize(cross(first.od, second.od), 'cross product'),
  };
  const vectors: Mat3 = [first.od, second.od, third.od];
  // Three pairwise non-parallel vectors can still be coplanar: the inverse would not exist.
  if (Math.abs(determinant(vectors)) < 1e-6) {
    throw new AnalysisInputError(
      'INVALID_INPUT',
      `The stain vectors ${unit.map((s) => `"${s.name}"`).join(', ')} lie in one plane (determinant 0): ` +
        'the stain matrix cannot be inverted. Give two stains and let the third be derived, or calibrate them.',
    );
  }
  return {
    names: [first.name, second.name, third.name],
    vectors,
    derivedThird: unit.length === 2,
  };
}

export function determinant(m: Mat3): number {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** Inverse of a 3x3 matrix by the adjugate; refuses a singular matrix. */
export function invert3x3(m: Mat3): Mat3 {
  const det = determinant(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new AnalysisInputError('INVALID_INPUT', 'The stain matrix is singular and cannot be inverted.');
  }
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const k = 1 / det;
  return [
    [(e * i - f * h) * k, (c * h - b * i) * k, (b * f - c * e) * k],
    [(f * g - d * i) * k, (a * i - c * g) * k, (c * d - a * f) * k],
    [(d * h - e * g) * k, (b * g - a * h) * k, (a * e - b * d) * k],
  ];
}

/**
 * The column of inverse(S) that turns an OD row vector into the amount of stain `index`:
 * amount = OD_R * col[0] + OD_G * col[1] + OD_B * col[2].
 */
export function unmixingColumn(matrix: StainMatrix, index: number): Vec3 {
  const inv = invert3x3(matrix.vectors);
  return [inv[0][index]!, inv[1][index]!, inv[2][index]!];
}
