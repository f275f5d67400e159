/**
 * From what a drawing tool or an importer produced to a shape that can be stored: clipped to the image,
 * self-intersections split (nonzero rule, see geometry/repair.ts) or refused, degenerate pieces refused
 * with a reason. Nothing reaches the document or the database without passing here.
 */
import { fail, ok, type Result } from '../result';
import { clipRingToRect, imageRect } from '../geometry/clip';
import { pointInRing } from '../geometry/contains';
import { normaliseRing } from '../geometry/measure';
import { repairRing } from '../geometry/repair';
import { simplifyRing } from '../geometry/simplify';
import type { MultiPolygon, Polygon } from '../geometry/types';
import { checkRingShape } from '../geometry/validate';

export interface OutlineOptions {
  /** Ramer-Douglas-Peucker tolerance in image pixels for freehand strokes (about one screen pixel); 0 = keep every point. */
  simplifyTolerance?: number;
  /** Split a self-crossing outline into parts (true, the default) or refuse it with a message (false). */
  repair?: boolean;
}

export interface PreparedShape {
  polygons: MultiPolygon;
  /** What was done to the outline, so the editor can tell the user. */
  clipped: boolean;
  repaired: boolean;
}

/** Clips an outline to the image and splits it where it crosses itself (or along the image border). */
function clipAndSplit(
  ring: readonly number[],
  width: number,
  height: number,
): { parts: Polygon[]; clipped: boolean; repaired: boolean } {
  const normal = normaliseRing(ring);
  const clippedRing = clipRingToRect(normal, imageRect(width, height));
  const clipped = clippedRing.length !== normal.length || clippedRing.some((v, i) => v !== normal[i]);
  // Clipping keeps the winding of every point inside the image, so splitting after it is still exact; it
  // also separates the parts a concave outline leaves joined along the image border.
  const { parts, changed } = repairRing(clippedRing);
  return { parts, clipped, repaired: changed && parts.length > 0 };
}

/** A drawn outline (polygon, rectangle, ellipse or freehand lasso) made storable. */
export function prepareOutline(
  points: readonly number[],
  imageWidth: number,
  imageHeight: number,
  options: OutlineOptions = {},
): Result<PreparedShape> {
  if (points.length % 2 !== 0 || points.some((v) => !Number.isFinite(v))) {
    return fail('INVALID_INPUT', 'The outline has a coordinate that is not a finite number.');
  }
  let ring = normaliseRing(points);
  if (options.simplifyTolerance && options.simplifyTolerance > 0)
    ring = simplifyRing(ring, options.simplifyTolerance);
  const check = checkRingShape(ring);
  if (!check.valid && check.problem !== 'self-intersection')
    return fail('INVALID_INPUT', `${check.message} The shape was not saved.`);
  if (!check.valid && options.repair === false) return fail('INVALID_INPUT', check.message);
  const { parts, clipped, repaired } = clipAndSplit(ring, imageWidth, imageHeight);
  if (parts.length === 0) {
    return fail(
      'INVALID_INPUT',
      clipped
        ? 'The shape lies outside the image. The shape was not saved.'
        : 'The outline encloses no area. The shape was not saved.',
    );
  }
  return ok({ polygons: parts, clipped, repaired: repaired || !check.valid });
}

/**
 * Imported polygons with holes (QuPath GeoJSON, ImageJ composites) made storable: each outer ring and
 * hole clipped to the image and split as needed; each hole given to the part that contains it.
 */
export function preparePolygons(
  polygons: MultiPolygon,
  imageWidth: number,
  imageHeight: number,
): Result<PreparedShape> {
  const out: MultiPolygon = [];
  let clipped = false;
  let repaired = false;
  for (const polygon of polygons) {
    const outer = clipAndSplit(polygon.outer, imageWidth, imageHeight);
    clipped ||= outer.clipped;
    repaired ||= outer.repaired;
    const holes = polygon.holes.flatMap((hole) => {
      const split = clipAndSplit(hole, imageWidth, imageHeight);
      clipped ||= split.clipped;
      return split.parts.map((p) => p.outer);
    });
    for (const hole of holes) {
      const owner = outer.parts.find((part) =>
        pointInRing((hole[0] + hole[2]) / 2, (hole[1] + hole[3]) / 2, part.outer),
      );
      owner?.holes.push(hole);
    }
    out.push(...outer.parts);
  }
  if (out.length === 0)
    return fail(
      'INVALID_INPUT',
      'The shape lies outside the image or encloses no area. It was not imported.',
    );
  return ok({ polygons: out, clipped, repaired });
}
