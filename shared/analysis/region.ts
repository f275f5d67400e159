/**
 * The region a measurement is made in: the union of the ROI polygons and painted ROI masks (or the whole
 * image when there are neither) minus the union of the exclusion polygons and masks, rasterised exactly
 * (see shared/geometry/rasterize.ts and ./mask-rows.ts). It also carries the editor's manual corrections
 * (./corrections.ts): they travel with the region so every executor and worker thread gets them unchanged.
 */
import type { EncodedMask } from '../annotations/types';
import {
  mergeSpans,
  PolygonRasterizer,
  spanPixelCount,
  subtractSpans,
  type PolygonRings,
} from '../geometry/rasterize';
import { MaskRasterizer, type PixelFactor } from './mask-rows';

export interface AnalysisRegion {
  /** Polygons to analyse inside; null = the whole image (unless includeMasks has masks). */
  include: PolygonRings[] | null;
  /** Polygons subtracted from the region (QuPath class "Exclude"). */
  exclude: PolygonRings[];
  /** Painted areas to analyse inside, unioned with `include`. */
  includeMasks?: readonly EncodedMask[];
  /** Painted areas subtracted from the region. */
  excludeMasks?: readonly EncodedMask[];
  /**
   * Pixels the region is rasterised into per full-resolution image pixel, for the masks (polygons are
   * scaled by the caller); absent = image pixels. Set by the downsampled live preview.
   */
  maskPixelFactor?: PixelFactor;
  /** Marked stained by hand ("Stained collagen" class): counted as stained inside the analysed region. */
  addStained?: readonly PolygonRings[];
  addStainedMasks?: readonly EncodedMask[];
  /** Marked not stained by hand ("Not stained" class): never counted as stained; wins over addStained. */
  removeStained?: readonly PolygonRings[];
  removeStainedMasks?: readonly EncodedMask[];
}

/** Whether the region restricts the analysis to drawn or painted areas (rather than the whole image). */
export const hasIncludedArea = (region: AnalysisRegion | null): boolean =>
  Boolean(region?.include) || (region?.includeMasks?.length ?? 0) > 0;

/** Union of polygon and mask spans of one row; null when the region has neither. */
export class ShapeRows {
  private constructor(
    private readonly polygons: PolygonRasterizer | null,
    private readonly masks: MaskRasterizer | null,
  ) {}

  static of(
    polygons: readonly PolygonRings[] | null | undefined,
    masks: readonly EncodedMask[] | undefined,
    firstRow: number,
    endRow: number,
    factor: PixelFactor | undefined,
  ): ShapeRows | null {
    const polygonRows =
      polygons && polygons.length > 0 ? new PolygonRasterizer(polygons, firstRow, endRow) : null;
    const maskRows = masks && masks.length > 0 ? new MaskRasterizer(masks, firstRow, endRow, factor) : null;
    return polygonRows || maskRows ? new ShapeRows(polygonRows, maskRows) : null;
  }

  spans(y: number, width: number): number[] {
    const fromPolygons = this.polygons?.rowSpans(y, width) ?? [];
    if (!this.masks) return fromPolygons;
    const fromMasks = this.masks.rowSpans(y, width);
    return fromPolygons.length === 0 ? fromMasks : mergeSpans([...fromPolygons, ...fromMasks]);
  }
}

/** Row spans of the region for the rows [firstRow, endRow) of an image `width` wide. */
export class RegionRows {
  private readonly include: ShapeRows | null;
  private readonly restricted: boolean;
  private readonly exclude: ShapeRows | null;

  constructor(
    region: AnalysisRegion | null,
    private readonly width: number,
    firstRow: number,
    endRow: number,
  ) {
    const factor = region?.maskPixelFactor;
    this.restricted = hasIncludedArea(region);
    this.include = region
      ? ShapeRows.of(region.include, region.includeMasks, firstRow, endRow, factor)
      : null;
    this.exclude = region
      ? ShapeRows.of(region.exclude, region.excludeMasks, firstRow, endRow, factor)
      : null;
  }

  spans(y: number): number[] {
    const base = this.restricted ? (this.include?.spans(y, this.width) ?? []) : [0, this.width];
    return this.exclude ? subtractSpans(base, this.exclude.spans(y, this.width)) : base;
  }
}

/** Pixels of the region inside a width x height image (0 = the ROI misses the image entirely). */
export function regionPixelCount(region: AnalysisRegion, width: number, height: number): number {
  const rows = new RegionRows(region, width, 0, height);
  let total = 0;
  for (let y = 0; y < height; y++) total += spanPixelCount(rows.spans(y));
  return total;
}
