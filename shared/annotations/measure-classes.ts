/**
 * Live measurements of an image's annotations by class: the area of each class (union of its shapes, so
 * overlaps count once), the analysed region (regions of interest minus exclusions) and the stained area
 * inside it, in pixels and, when calibrated, in um2.
 *
 * Every area is a pixel count by the same rule as the analysis (geometry/rasterize.ts: a pixel belongs
 * to a shape when its centre is inside), computed row by row as spans, so it agrees exactly with what
 * the analysis measures over the same shapes, and a 16-megapixel image needs no full-size bitmap.
 */
import {
  intersectSpans,
  mergeSpans,
  PolygonRasterizer,
  spanPixelCount,
  subtractSpans,
} from '../geometry/rasterize';
import { multiPolygonBBox } from '../geometry/measure';
import type { MultiPolygon } from '../geometry/types';
import type { AnnotationDocument } from './document';
import { TiledMask } from './tiled-mask';
import type { Annotation, ClassRole } from './types';

/** A shape with an area: polygons, or a mask. */
export type AreaShape = { classId: number; polygons: MultiPolygon } | { classId: number; mask: TiledMask };

export interface ClassInfo {
  id: number;
  name: string;
  role: ClassRole;
}

export interface ClassArea {
  classId: number;
  name: string;
  role: ClassRole;
  shapes: number;
  areaPx: number;
  areaUm2: number | null;
}

export interface ClassMeasurements {
  classes: ClassArea[];
  /** Union of the region-of-interest shapes; null when there is none. */
  roiAreaPx: number | null;
  /** Regions of interest minus exclusions; null without a region of interest. */
  analyzedAreaPx: number | null;
  /** Stained shapes inside the analysed region. */
  stainedAreaPx: number | null;
  /** stained / analysed; null with the reason in `unavailable`. */
  stainedFraction: number | null;
  analyzedAreaUm2: number | null;
  stainedAreaUm2: number | null;
  unavailable: Partial<Record<'analyzedAreaPx' | 'stainedFraction' | 'um2', string>>;
}

export { intersectSpans } from '../geometry/rasterize';

/** The area shapes of a live document (points and lines have no area). */
export const areaShapesOfDocument = (doc: AnnotationDocument): AreaShape[] =>
  doc.values().flatMap((a): AreaShape[] => {
    if (a.geometry.type === 'mask') return [{ classId: a.classId, mask: a.geometry.mask }];
    if (a.geometry.type === 'polygons') return [{ classId: a.classId, polygons: a.geometry.polygons }];
    return [];
  });

/** The area shapes of stored annotations (masks decoded onto the image's grid). */
export const areaShapesOfStored = (
  annotations: readonly Annotation[],
  imageWidth: number,
  imageHeight: number,
): AreaShape[] =>
  annotations.flatMap((a): AreaShape[] => {
    if (a.geometry.type === 'mask')
      return [{ classId: a.classId, mask: TiledMask.decode(a.geometry.mask, imageWidth, imageHeight) }];
    if (a.geometry.type === 'polygons') return [{ classId: a.classId, polygons: a.geometry.polygons }];
    return [];
  });

/** Row spans, in image pixels, of the union of one class's shapes. */
class ClassRows {
  private readonly rasterizer: PolygonRasterizer | null;
  private readonly cachedRow = new Map<TiledMask, { row: number; spans: number[] }>();

  constructor(
    polygons: MultiPolygon,
    private readonly masks: TiledMask[],
    private readonly width: number,
    firstRow: number,
    endRow: number,
  ) {
    this.rasterizer =
      polygons.length > 0
        ? new PolygonRasterizer(
            polygons.map((p) => [p.outer, ...p.holes]),
            firstRow,
            endRow,
          )
        : null;
  }

  spans(y: number): number[] {
    let spans = this.rasterizer ? this.rasterizer.rowSpans(y, this.width) : [];
    for (const mask of this.masks) {
      const maskSpans = this.maskRow(mask, Math.floor(y / mask.scale));
      if (maskSpans.length > 0) spans = spans.length > 0 ? mergeSpans([...spans, ...maskSpans]) : maskSpans;
    }
    return spans;
  }

  /** A mask row in image pixels; a mask at scale s serves s image rows from one computation. */
  private maskRow(mask: TiledMask, row: number): number[] {
    const cached = this.cachedRow.get(mask);
    if (cached?.row === row) return cached.spans;
    const s = mask.scale;
    const spans = mask.rowSpans(row).map((x, i) => (i % 2 === 0 ? x * s : Math.min(this.width, x * s)));
    this.cachedRow.set(mask, { row, spans });
    return spans;
  }
}

/** Rows any of the shapes can cover: [first, end). */
function rowRange(shapes: readonly AreaShape[], height: number): [number, number] {
  let top = Infinity;
  let bottom = -Infinity;
  for (const shape of shapes) {
    if ('polygons' in shape) {
      const box = multiPolygonBBox(shape.polygons);
      if (box) {
        top = Math.min(top, box.minY);
        bottom = Math.max(bottom, box.maxY);
      }
    } else {
      const box = shape.mask.bounds();
      if (box) {
        top = Math.min(top, box.top * shape.mask.scale);
        bottom = Math.max(bottom, box.bottom * shape.mask.scale);
      }
    }
  }
  return top > bottom ? [0, 0] : [Math.max(0, Math.floor(top)), Math.min(height, Math.ceil(bottom) + 1)];
}

const union = (lists: number[][]): number[] => {
  const nonEmpty = lists.filter((l) => l.length > 0);
  return nonEmpty.length <= 1 ? (nonEmpty[0] ?? []) : mergeSpans(nonEmpty.flat());
};

export function measureByClass(
  shapes: readonly AreaShape[],
  classes: readonly ClassInfo[],
  imageWidth: number,
  imageHeight: number,
  umPerPx: number | null,
): ClassMeasurements {
  const [firstRow, endRow] = rowRange(shapes, imageHeight);
  // Every class is listed (an empty one with 0 px), so the panel keeps a stable order.
  const used = classes;
  const rows = used.map((c) => {
    const own = shapes.filter((s) => s.classId === c.id);
    const polygons = own.flatMap((s) => ('polygons' in s ? s.polygons : []));
    const masks = own.flatMap((s) => ('mask' in s ? [s.mask] : []));
    return new ClassRows(polygons, masks, imageWidth, firstRow, endRow);
  });
  const areaPx = new Array<number>(used.length).fill(0);
  const roiClasses = new Set(used.filter((c) => c.role === 'roi').map((c) => c.id));
  const hasRoi = shapes.some((s) => roiClasses.has(s.classId));
  let roiPx = 0;
  let analyzedPx = 0;
  let stainedPx = 0;
  for (let y = firstRow; y < endRow; y++) {
    const classSpans = rows.map((r) => r.spans(y));
    classSpans.forEach((spans, i) => (areaPx[i] += spanPixelCount(spans)));
    if (!hasRoi) continue;
    const byRole = (role: ClassRole) => union(classSpans.filter((_, i) => used[i].role === role));
    const roi = byRole('roi');
    const analyzed = subtractSpans(roi, byRole('exclude'));
    roiPx += spanPixelCount(roi);
    analyzedPx += spanPixelCount(analyzed);
    stainedPx += spanPixelCount(intersectSpans(byRole('stained'), analyzed));
  }
  const um2 = (px: number | null) =>
    px !== null && umPerPx !== null && umPerPx > 0 ? px * umPerPx * umPerPx : null;
  const unavailable: ClassMeasurements['unavailable'] = {};
  if (umPerPx === null) unavailable.um2 = 'the image is not calibrated: set its um per pixel to see um2';
  if (!hasRoi)
    unavailable.analyzedAreaPx = 'there is no region of interest: draw one to measure the stained fraction';
  const analyzed = hasRoi ? analyzedPx : null;
  const stained = hasRoi ? stainedPx : null;
  let stainedFraction: number | null = null;
  if (!hasRoi) unavailable.stainedFraction = unavailable.analyzedAreaPx;
  else if (analyzedPx === 0)
    unavailable.stainedFraction = 'the exclusions cover the whole region of interest';
  else stainedFraction = stainedPx / analyzedPx;
  return {
    classes: used.map((c, i) => ({
      classId: c.id,
      name: c.name,
      role: c.role,
      shapes: shapes.filter((s) => s.classId === c.id).length,
      areaPx: areaPx[i],
      areaUm2: um2(areaPx[i]),
    })),
    roiAreaPx: hasRoi ? roiPx : null,
    analyzedAreaPx: analyzed,
    stainedAreaPx: stained,
    stainedFraction,
    analyzedAreaUm2: um2(analyzed),
    stainedAreaUm2: um2(stained),
    unavailable,
  };
}
