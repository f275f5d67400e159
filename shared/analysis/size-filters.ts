/**
 * Size filters on the stained mask, over run-length rows rather than a label image, so memory follows the
 * number of runs instead of the pixel count and the result does not depend on the tiling:
 *   1. remove stained objects (8-connected) smaller than minObjectPx;
 *   2. then fill holes smaller than maxHolePx. A hole is a 4-connected region of unstained pixels that lies
 *      wholly inside the analysed region and is enclosed by stain: it touches neither the image border nor
 *      any pixel outside the analysed region (so a lumen outside the tissue is never filled).
 * 8-connected objects with 4-connected background is the topologically consistent pair.
 */
import type { BandRuns } from './kernel';

export interface RunRows {
  width: number;
  height: number;
  /** Bands in row order, each with the first row it covers. */
  bands: { y0: number; runs: BandRuns }[];
}

export interface SizeFilterOutcome {
  stainedPx: number;
  /** Stained OD per row (kept runs and filled holes, left to right). */
  rowStainedOD: Float64Array;
  objectsRemoved: number;
  holesFilled: number;
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const parent = this.parent;
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller index becomes the root: deterministic whatever order unions arrive in.
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

/** Segments of one kind laid out row by row: row y's segments are rowFirst[y] .. rowFirst[y + 1] - 1. */
interface Segments {
  rowFirst: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

/**
 * Union segments of consecutive rows that touch: `diagonal` true for 8-connectivity (a run touching
 * another at a corner joins it), false for 4-connectivity (they must share a column).
 */
function connectRows(segments: Segments, height: number, diagonal: boolean, sets: UnionFind): void {
  const reach = diagonal ? 1 : 0;
  for (let y = 1; y < height; y++) {
    let i = segments.rowFirst[y - 1]!;
    const iEnd = segments.rowFirst[y]!;
    let j = iEnd;
    const jEnd = segments.rowFirst[y + 1]!;
    while (i < iEnd && j < jEnd) {
      if (segments.start[j]! < segments.end[i]! + reach && segments.start[i]! < segments.end[j]! + reach) {
        sets.union(i, j);
      }
      // Advance whichever segment ends first; both may touch later segments of the other row.
      if (segments.end[i]! < segments.end[j]!) i++;
      else j++;
    }
  }
}

/**
 * `onStainedSpan`, when given, receives every stained span [x0, x1) of row y after filtering, row by row
 * and left to right (kept runs and filled holes; touching spans may follow each other): the editor's
 * "detect in region" turns them into a mask.
 */
export function applySizeFilters(
  input: RunRows,
  minObjectPx: number | null,
  maxHolePx: number | null,
  onStainedSpan?: (y: number, x0: number, x1: number) => void,
): SizeFilterOutcome {
  const { width, height } = input;
  // Flatten runs and gaps of all bands into row-indexed arrays.
  let runTotal = 0;
  for (const band of input.bands) runTotal += band.runs.runStart.length;
  const runs: Segments = {
    rowFirst: new Int32Array(height + 1),
    start: new Int32Array(runTotal),
    end: new Int32Array(runTotal),
  };
  const runOD = new Float64Array(runTotal);
  const gapFirst = new Int32Array(height + 1);
  const gapOutside = new Uint8Array(runTotal + height);
  const gapOD = new Float64Array(runTotal + height);
  let r = 0;
  let g = 0;
  for (const band of input.bands) {
    const b = band.runs;
    runs.start.set(b.runStart, r);
    runs.end.set(b.runEnd, r);
    runOD.set(b.runOD, r);
    gapOutside.set(b.gapHasOutside, g);
    gapOD.set(b.gapOD, g);
    for (let k = 0; k < b.rowRunCount.length; k++) {
      const y = band.y0 + k;
      runs.rowFirst[y] = r;
      gapFirst[y] = g;
      r += b.rowRunCount[k]!;
      g += b.rowRunCount[k]! + 1;
    }
  }
  runs.rowFirst[height] = r;
  gapFirst[height] = g;

  // 1. Stained objects, 8-connected.
  const objectSets = new UnionFind(runTotal);
  connectRows(runs, height, true, objectSets);
  const objectArea = new Float64Array(runTotal);
  for (let i = 0; i < runTotal; i++) objectArea[objectSets.find(i)]! += runs.end[i]! - runs.start[i]!;
  const keepRun = new Uint8Array(runTotal);
  let objectsRemoved = 0;
  for (let i = 0; i < runTotal; i++) {
    const root = objectSets.find(i);
    const keep = minObjectPx === null || objectArea[root]! >= minObjectPx;
    keepRun[i] = keep ? 1 : 0;
    if (!keep && root === i) objectsRemoved++;
  }

  // 2. Unstained segments after removal: gaps joined with the removed runs between them.
  const segStart: number[] = [];
  const segEnd: number[] = [];
  const segOpen: number[] = [];
  const segOD: number[] = [];
  const segRowFirst = new Int32Array(height + 1);
  for (let y = 0; y < height; y++) {
    segRowFirst[y] = segStart.length;
    const firstRun = runs.rowFirst[y]!;
    const runCount = runs.rowFirst[y + 1]! - firstRun;
    const edgeRow = y === 0 || y === height - 1 ? 1 : 0;
    let from = 0;
    let open = gapOutside[gapFirst[y]!]!;
    let sum = gapOD[gapFirst[y]!]!;
    for (let k = 0; k < runCount; k++) {
      const run = firstRun + k;
      if (keepRun[run]) {
        const to = runs.start[run]!;
        if (to > from) {
          segStart.push(from);
          segEnd.push(to);
          segOpen.push(open | edgeRow | (from === 0 ? 1 : 0));
          segOD.push(sum);
        }
        from = runs.end[run]!;
        open = 0;
        sum = 0;
      } else {
        sum += runOD[run]!;
      }
      const gap = gapFirst[y]! + k + 1;
      open |= gapOutside[gap]!;
      sum += gapOD[gap]!;
    }
    if (width > from) {
      segStart.push(from);
      segEnd.push(width);
      segOpen.push(1); // touches the right border
      segOD.push(sum);
    }
  }
  segRowFirst[height] = segStart.length;
  const segments: Segments = {
    rowFirst: segRowFirst,
    start: Int32Array.from(segStart),
    end: Int32Array.from(segEnd),
  };
  const segmentCount = segStart.length;
  const fill = new Uint8Array(segmentCount);
  let holesFilled = 0;
  if (maxHolePx !== null) {
    const holeSets = new UnionFind(segmentCount);
    connectRows(segments, height, false, holeSets);
    const area = new Float64Array(segmentCount);
    const open = new Uint8Array(segmentCount);
    for (let i = 0; i < segmentCount; i++) {
      const root = holeSets.find(i);
      area[root]! += segEnd[i]! - segStart[i]!;
      open[root]! |= segOpen[i]!;
    }
    for (let i = 0; i < segmentCount; i++) {
      const root = holeSets.find(i);
      if (!open[root] && area[root]! < maxHolePx) {
        fill[i] = 1;
        if (root === i) holesFilled++;
      }
    }
  }

  // 3. Totals, row by row and left to right, so the OD sum is the same for any tiling.
  const rowStainedOD = new Float64Array(height);
  let stainedPx = 0;
  for (let y = 0; y < height; y++) {
    let i = runs.rowFirst[y]!;
    const iEnd = runs.rowFirst[y + 1]!;
    let j = segRowFirst[y]!;
    const jEnd = segRowFirst[y + 1]!;
    let rowSum = 0;
    while (i < iEnd || j < jEnd) {
      const takeRun = j >= jEnd || (i < iEnd && runs.start[i]! < segStart[j]!);
      if (takeRun) {
        if (keepRun[i]) {
          stainedPx += runs.end[i]! - runs.start[i]!;
          rowSum += runOD[i]!;
          onStainedSpan?.(y, runs.start[i]!, runs.end[i]!);
        }
        i++;
      } else {
        if (fill[j]) {
          stainedPx += segEnd[j]! - segStart[j]!;
          rowSum += segOD[j]!;
          onStainedSpan?.(y, segStart[j]!, segEnd[j]!);
        }
        j++;
      }
    }
    rowStainedOD[y] = rowSum;
  }
  return { stainedPx, rowStainedOD, objectsRemoved, holesFilled };
}
