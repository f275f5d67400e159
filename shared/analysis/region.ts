/**
 * The region a measurement is made in: the union of the ROI polygons (or the whole image) minus the
 * union of the exclusion polygons, rasterised exactly (see shared/geometry/rasterize.ts).
 */
import { PolygonRasterizer, spanPixelCount, subtractSpans, type PolygonRings } from '../geometry/rasterize';

export interface AnalysisRegion {
  /** Polygons to analyse inside; null = the whole image. */
  include: PolygonRings[] | null;
  /** Polygons subtracted from the region (QuPath class "Exclude"). */
  exclude: PolygonRings[];
}

/** Row spans of the region for the rows [firstRow, endRow) of an image `width` wide. */
export class RegionRows {
  private readonly include: PolygonRasterizer | null;
  private readonly exclude: PolygonRasterizer | null;

  constructor(
    region: AnalysisRegion | null,
    private readonly width: number,
    firstRow: number,
    endRow: number,
  ) {
    this.include = region?.include ? new PolygonRasterizer(region.include, firstRow, endRow) : null;
    this.exclude =
      region && region.exclude.length > 0 ? new PolygonRasterizer(region.exclude, firstRow, endRow) : null;
  }

  spans(y: number): number[] {
    const base = this.include ? this.include.rowSpans(y, this.width) : [0, this.width];
    return this.exclude ? subtractSpans(base, this.exclude.rowSpans(y, this.width)) : base;
  }
}

/** Pixels of the region inside a width x height image (0 = the ROI misses the image entirely). */
export function regionPixelCount(region: AnalysisRegion, width: number, height: number): number {
  const rows = new RegionRows(region, width, 0, height);
  let total = 0;
  for (let y = 0; y < height; y++) total += spanPixelCount(rows.spans(y));
  return total;
}
