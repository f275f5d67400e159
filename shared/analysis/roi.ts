/**
 * Regions of interest from imported annotations: features classified "Exclude" (QuPath's class for
 * areas to leave out) are subtracted; every other polygon is part of the region. A file holding only
 * exclusions leaves the whole image (or the detected tissue) as the region, minus them.
 */
import type { GeoJsonImport } from '../formats/geojson-import';
import type { Polygon } from '../geometry/types';
import type { PolygonRings } from '../geometry/rasterize';
import type { AnalysisRegion } from './region';

export const EXCLUDE_CLASS = 'exclude';

const ringsOf = (polygon: Polygon): PolygonRings => [polygon.outer, ...polygon.holes];

export function regionFromFeatures(imported: GeoJsonImport): AnalysisRegion {
  const include: PolygonRings[] = [];
  const exclude: PolygonRings[] = [];
  for (const feature of imported.features) {
    const isExclusion = feature.classification?.name.trim().toLowerCase() === EXCLUDE_CLASS;
    for (const polygon of feature.geometry) (isExclusion ? exclude : include).push(ringsOf(polygon));
  }
  return { include: include.length > 0 ? include : null, exclude };
}
