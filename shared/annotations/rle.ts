/**
 * Run-length encoding of binary masks, JSON-safe: `counts` alternates runs of 0 and 1, starting with a
 * run of 0 (possibly of length 0), like COCO's uncompressed RLE, but in row-major order (COCO runs down
 * columns): pixel (x, y) of a width x height mask is position y * width + x. The counts sum to
 * width * height.
 */

/** Encodes a row-major 0/1 bitmap (any nonzero byte counts as 1). */
export function encodeRuns(bits: ArrayLike<number>, length = bits.length): number[] {
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let i = 0; i < length; i++) {
    const bit = bits[i] ? 1 : 0;
    if (bit === current) {
      run++;
    } else {
      counts.push(run);
      current = bit;
      run = 1;
    }
  }
  counts.push(run);
  return counts;
}

/** Decodes runs into a new 0/1 bitmap of the given length. Throws if the runs do not fill it exactly. */
export function decodeRuns(counts: ArrayLike<number>, length: number): Uint8Array {
  const bits = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    const run = counts[i];
    if (i % 2 === 1) bits.fill(1, at, at + run);
    at += run;
  }
  if (at !== length) throw new RangeError(`the runs cover ${at} pixels, not ${length}`);
  return bits;
}

/** Number of 1 pixels (the odd-indexed runs), without decoding. */
export function countOnes(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 1; i < counts.length; i += 2) total += counts[i];
  return total;
}

/** Sum of all runs (the bitmap length they describe). */
export function runsLength(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return total;
}

/**
 * Compact snapshot of a tile for undo history: the runs as 32-bit integers. A brush tile is usually a
 * few runs per row, so this is far smaller than the 64 KiB bitmap.
 */
export const snapshotTile = (tile: Uint8Array): Uint32Array => Uint32Array.from(encodeRuns(tile));
export const restoreTile = (snapshot: Uint32Array, length: number): Uint8Array =>
  decodeRuns(snapshot, length);
