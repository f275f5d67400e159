/**
 * Geometry value types. Every coordinate is a full-resolution image pixel (origin top-left, x right,
 * y down), never a screen position: the stage converts at its edge. Points are flat arrays
 * `[x0, y0, x1, y1, ...]`, the layout Konva draws directly and JSON stores compactly.
 */

/**
 * A closed ring as flat points. The closing edge back to the first point is implied: the first point is
 * not repeated at the end (GeoJSON repeats it; the importers drop the duplicate).
 */
export type Ring = number[];

/** A polygon: one outer ring and any number of holes inside it. Orientation is not significant. */
export interface Polygon {
  outer: Ring;
  holes: Ring[];
}

/** Several polygons whose interiors do not overlap (GeoJSON MultiPolygon). */
export type MultiPolygon = Polygon[];

/** Axis-aligned bounds in image pixels, inclusive of the extreme coordinates. */
export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Number of points in a flat array. */
export const pointCount = (points: readonly number[]): number => points.length >> 1;

/** A polygon without holes. */
export const polygonFromRing = (outer: Ring): Polygon => ({ outer, holes: [] });
