/**
 * Server-side check of an annotation's geometry against its image, before it is stored. The editor
 * prepares shapes the same way (shared/annotations/shape-input.ts), so for its own saves this is a
 * no-op; it guards every other caller (scripts, a second client, an older renderer) and copies onto an
 * image of another size. Areas are clipped to the image and self-crossing outlines split (nonzero
 * rule); degenerate shapes, marks off the image and masks overhanging it are refused.
 */
import { checkRingShape } from '../../../shared/geometry/validate';
import { pointsBBox } from '../../../shared/geometry/measure';
import { preparePolygons } from '../../../shared/annotations/shape-input';
import { countOnes } from '../../../shared/annotations/rle';
import type { AnnotationGeometry, EncodedMask } from '../../../shared/annotations/types';
import type { MultiPolygon } from '../../../shared/geometry/types';
import { chargeRing, GeometryBudget } from './geometry-budget';

export interface ImageBounds {
  width: number;
  height: number;
}

export type GeometryCheck =
  { ok: true; geometry: AnnotationGeometry; adjusted: boolean } | { ok: false; reason: string };

const refuse = (reason: string): GeometryCheck => ({ ok: false, reason });

/** Whether any part of the points' bounding box overlaps the image. */
function touchesImage(points: readonly number[], image: ImageBounds): boolean {
  const box = pointsBBox(points);
  return box !== null && box.maxX > 0 && box.maxY > 0 && box.minX < image.width && box.minY < image.height;
}

function preparePolygonGeometry(
  polygons: MultiPolygon,
  image: ImageBounds,
  budget: GeometryBudget,
): GeometryCheck {
  // Count the work first: the checks below are quadratic on adversarial outlines.
  for (const polygon of polygons) {
    for (const ring of [polygon.outer, ...polygon.holes]) {
      const charge = chargeRing(ring, image, budget);
      if (!charge.ok) return refuse(charge.reason);
    }
    // Each hole is matched to the part of the outline that holds it.
    if (!budget.take(polygon.holes.length * (polygon.outer.length >> 1))) {
      return refuse(
        `It has too many holes (${polygon.holes.length}) in too long an outline to check in reasonable time: simplify it.`,
      );
    }
  }
  for (const [index, polygon] of polygons.entries()) {
    const check = checkRingShape(polygon.outer);
    // A crossing is repaired below; anything else wrong with an outline cannot be.
    if (!check.valid && check.problem !== 'self-intersection') {
      const part = polygons.length > 1 ? ` (part ${index + 1})` : '';
      return refuse(`${check.message.replace(/\.$/, '')}${part}.`);
    }
  }
  const prepared = preparePolygons(polygons, image.width, image.height);
  if (!prepared.ok) {
    const outside = !polygons.some((p) => touchesImage(p.outer, image));
    return refuse(
      outside
        ? `It lies wholly outside the ${image.width} x ${image.height} px image.`
        : 'Its outline encloses no area once split where it crosses itself.',
    );
  }
  const geometry: AnnotationGeometry = { type: 'polygons', polygons: prepared.value.polygons };
  return {
    ok: true,
    geometry,
    adjusted: JSON.stringify(prepared.value.polygons) !== JSON.stringify(polygons),
  };
}

function checkMask(mask: EncodedMask, image: ImageBounds): GeometryCheck {
  const gridWidth = Math.ceil(image.width / mask.scale);
  const gridHeight = Math.ceil(image.height / mask.scale);
  if (mask.left + mask.width > gridWidth || mask.top + mask.height > gridHeight) {
    return refuse(
      `The mask reaches mask pixel (${mask.left + mask.width}, ${mask.top + mask.height}) at scale ${mask.scale}, ` +
        `outside the ${image.width} x ${image.height} px image (${gridWidth} x ${gridHeight} mask pixels).`,
    );
  }
  if (countOnes(mask.counts) === 0) {
    return refuse('The mask is empty (no pixel is set): delete the annotation instead.');
  }
  return { ok: true, geometry: { type: 'mask', mask }, adjusted: false };
}

function pointsOutside(points: readonly number[], image: ImageBounds): { x: number; y: number } | null {
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (x < 0 || y < 0 || x > image.width || y > image.height) return { x, y };
  }
  return null;
}

function checkMarks(geometry: Extract<AnnotationGeometry, { type: 'points' | 'line' }>, image: ImageBounds) {
  const needed = geometry.type === 'line' ? 2 : 1;
  const distinct = new Set<string>();
  for (let i = 0; i < geometry.points.length; i += 2)
    distinct.add(`${geometry.points[i]},${geometry.points[i + 1]}`);
  if (distinct.size < needed) {
    return refuse(
      geometry.type === 'line'
        ? 'A line needs at least 2 distinct points.'
        : 'A point mark needs at least one point.',
    );
  }
  const off = pointsOutside(geometry.points, image);
  if (off) {
    return refuse(
      `The point (${off.x}, ${off.y}) lies outside the ${image.width} x ${image.height} px image.`,
    );
  }
  return { ok: true as const, geometry, adjusted: false };
}

/**
 * The geometry as it may be stored on this image, or why it cannot be. `budget` bounds the work;
 * a request preparing several shapes passes one budget for all of them.
 */
export function prepareGeometry(
  geometry: AnnotationGeometry,
  image: ImageBounds,
  budget = new GeometryBudget(),
): GeometryCheck {
  switch (geometry.type) {
    case 'polygons':
      return preparePolygonGeometry(geometry.polygons, image, budget);
    case 'mask':
      return checkMask(geometry.mask, image);
    default:
      return checkMarks(geometry, image);
  }
}
