/**
 * Manual corrections (ANALYSIS.md step 5), applied last:
 *
 *   final stained = (automatic stained after threshold and size filters  ∪  marked stained)
 *                   minus marked not stained,   all inside the analysed region.
 *
 * "Not stained" wins where both are marked (a removal is the user's last word on a pixel). Marks outside
 * the analysed region (outside the ROI, excluded, or not tissue) change nothing: the denominator stays the
 * analysed region, so the fraction stays within 0..1.
 *
 * The size filters decide over the whole image, after every band has run, so a band cannot know yet
 * whether a marked pixel ends up automatically stained. Each band therefore records "pieces": maximal
 * runs of marked, analysed pixels of one row with the same mark and the same automatic (pre-filter)
 * decision, with their summed stain amount. A run of auto-stained pixels lies inside one stained run and
 * a run of unstained pixels inside one gap, and the filters keep or drop runs and fill gaps whole, so one
 * look-up per piece after the filters says how the whole piece ends. Amounts are integers (kernel.ts), so
 * the corrected sums are exact whatever the banding.
 */
import { intersectSpans, subtractSpans } from '../geometry/rasterize';
import { ShapeRows, type AnalysisRegion } from './region';

export const MARKED_STAINED = 1;
export const MARKED_NOT_STAINED = 2;

/** Whether a region carries any manual correction. */
export const hasCorrections = (region: AnalysisRegion | null): boolean =>
  Boolean(
    region &&
    ((region.addStained?.length ?? 0) > 0 ||
      (region.addStainedMasks?.length ?? 0) > 0 ||
      (region.removeStained?.length ?? 0) > 0 ||
      (region.removeStainedMasks?.length ?? 0) > 0),
  );

/** The marked spans of the rows [firstRow, endRow): added ones already minus the removed ones. */
export class CorrectionRows {
  private constructor(
    private readonly add: ShapeRows | null,
    private readonly remove: ShapeRows | null,
    private readonly width: number,
  ) {}

  static of(region: AnalysisRegion | null, width: number, firstRow: number, endRow: number) {
    if (!region || !hasCorrections(region)) return null;
    const factor = region.maskPixelFactor;
    return new CorrectionRows(
      ShapeRows.of(region.addStained, region.addStainedMasks, firstRow, endRow, factor),
      ShapeRows.of(region.removeStained, region.removeStainedMasks, firstRow, endRow, factor),
      width,
    );
  }

  /** Marked spans of row y inside `within` (the row's analysed-region spans). */
  row(y: number, within: readonly number[]): { add: number[]; remove: number[] } {
    const remove = this.remove ? intersectSpans(this.remove.spans(y, this.width), within) : [];
    const added = this.add ? intersectSpans(this.add.spans(y, this.width), within) : [];
    return { add: remove.length > 0 ? subtractSpans(added, remove) : added, remove };
  }
}

/** A band's pieces (see the module comment), in row order; typed arrays so workers transfer them. */
export interface CorrectionPieces {
  row: Int32Array;
  x0: Int32Array;
  x1: Int32Array;
  /** MARKED_STAINED or MARKED_NOT_STAINED. */
  mark: Uint8Array;
  /** 1 when the piece was stained by the threshold (before the size filters). */
  auto: Uint8Array;
  /** Summed unsmoothed stain amount of the piece, in kernel units (exact integers). */
  amount: Float64Array;
}

export class PieceCollector {
  private readonly row: number[] = [];
  private readonly x0: number[] = [];
  private readonly x1: number[] = [];
  private readonly mark: number[] = [];
  private readonly auto: number[] = [];
  private readonly amount: number[] = [];

  push(y: number, x0: number, x1: number, mark: number, auto: boolean, amount: number): void {
    this.row.push(y);
    this.x0.push(x0);
    this.x1.push(x1);
    this.mark.push(mark);
    this.auto.push(auto ? 1 : 0);
    this.amount.push(amount);
  }

  finish(): CorrectionPieces {
    return {
      row: Int32Array.from(this.row),
      x0: Int32Array.from(this.x0),
      x1: Int32Array.from(this.x1),
      mark: Uint8Array.from(this.mark),
      auto: Uint8Array.from(this.auto),
      amount: Float64Array.from(this.amount),
    };
  }
}

/**
 * What the kernel tells about one pixel: `inside(x)` is false outside the analysed region (not tissue);
 * when true, `amount` and `stained` (the threshold's decision) describe pixel x. One object reused for
 * every pixel, so a large marked area allocates nothing per pixel.
 */
export interface PixelProbe {
  inside(x: number): boolean;
  amount: number;
  stained: boolean;
}

/** Split the marked spans of one row into pieces. */
export function collectRowPieces(
  pieces: PieceCollector,
  y: number,
  spans: readonly number[],
  mark: number,
  probe: PixelProbe,
): void {
  for (let s = 0; s < spans.length; s += 2) {
    let start = -1;
    let auto = false;
    let sum = 0;
    const end = spans[s + 1]!;
    for (let x = spans[s]!; x <= end; x++) {
      const inside = x < end && probe.inside(x);
      if (start >= 0 && (!inside || probe.stained !== auto)) {
        pieces.push(y, start, x, mark, auto, sum);
        start = -1;
      }
      if (!inside) continue;
      if (start < 0) {
        start = x;
        auto = probe.stained;
        sum = 0;
      }
      sum += probe.amount;
    }
  }
}

/**
 * The stained spans after the size filters, kept only for the rows that hold pieces (feed it from
 * applySizeFilters' onStainedSpan), so whether a piece ends up automatically stained is a look-up.
 */
export class FilteredStain {
  private readonly spans = new Map<number, number[]>();

  constructor(pieces: readonly CorrectionPieces[]) {
    for (const band of pieces) for (const y of band.row) if (!this.spans.has(y)) this.spans.set(y, []);
  }

  readonly onStainedSpan = (y: number, x0: number, x1: number): void => {
    this.spans.get(y)?.push(x0, x1);
  };

  /** Whether pixel (x, y) of a row with pieces is stained after the filters (spans come left to right). */
  stainedAt(x: number, y: number): boolean {
    const spans = this.spans.get(y) ?? [];
    let lo = 0;
    let hi = spans.length / 2;
    // The last span starting at or left of x.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spans[2 * mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && x < spans[2 * (lo - 1) + 1]!;
  }
}

export interface CorrectionOutcome {
  /** Marked-stained pixels that were not stained automatically (and are now). */
  addedPx: number;
  /** Automatically stained pixels marked not stained (and now not stained). */
  removedPx: number;
}

/**
 * Apply the pieces to the per-row stained amounts (in place) and count what changed. `filtered` is the
 * size filters' outcome, or null when none ran (then each piece's own threshold decision stands).
 */
export function applyCorrections(
  pieces: readonly CorrectionPieces[],
  filtered: FilteredStain | null,
  rowStainedAmount: Float64Array,
): CorrectionOutcome {
  let addedPx = 0;
  let removedPx = 0;
  for (const band of pieces) {
    for (let i = 0; i < band.row.length; i++) {
      const y = band.row[i]!;
      const x0 = band.x0[i]!;
      const stained = filtered ? filtered.stainedAt(x0, y) : band.auto[i] === 1;
      const size = band.x1[i]! - x0;
      if (band.mark[i] === MARKED_STAINED && !stained) {
        addedPx += size;
        rowStainedAmount[y]! += band.amount[i]!;
      } else if (band.mark[i] === MARKED_NOT_STAINED && stained) {
        removedPx += size;
        rowStainedAmount[y]! -= band.amount[i]!;
      }
    }
  }
  return { addedPx, removedPx };
}
