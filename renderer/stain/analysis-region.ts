/**
 * The region an image is analysed in, from its annotations: shapes of classes with the role "roi" are
 * the region of interest, shapes of classes with the role "exclude" are cut out of it. Outlines go as
 * polygons and painted shapes as their encoded masks; the analysis unions both.
 */
import type { z } from 'zod';
import type { AnalysisRegionInput } from '../../shared/analysis/api-schemas';
import type { AnalysisRegion } from '../../shared/analysis/region';
import type { Annotation, AnnotationClass, EncodedMask } from '../../shared/annotations/types';

export type RegionInput = z.input<typeof AnalysisRegionInput>;

export interface ImageRegion {
  /** What analyzeImage receives; null = the whole image (or the detected tissue). */
  region: RegionInput | null;
  /** Outlined polygons and painted masks of ROI classes. */
  roiShapes: number;
  /** Outlined polygons and painted masks of exclusion classes. */
  excludeShapes: number;
}

type Rings = number[][];

const ringsOfAnnotation = (annotation: Annotation): Rings[] =>
  annotation.geometry.type === 'polygons'
    ? annotation.geometry.polygons
        .filter((p) => p.outer.length >= 6)
        .map((p) => [p.outer, ...p.holes.filter((hole) => hole.length >= 6)])
    : [];

export function regionOfAnnotations(
  annotations: readonly Annotation[],
  classes: readonly AnnotationClass[],
): ImageRegion {
  const roleOf = new Map(classes.map((c) => [c.id, c.role]));
  const include: Rings[] = [];
  const exclude: Rings[] = [];
  const includeMasks: EncodedMask[] = [];
  const excludeMasks: EncodedMask[] = [];
  for (const annotation of annotations) {
    const role = roleOf.get(annotation.classId);
    if (role !== 'roi' && role !== 'exclude') continue;
    if (annotation.geometry.type === 'mask') {
      (role === 'roi' ? includeMasks : excludeMasks).push(annotation.geometry.mask);
      continue;
    }
    (role === 'roi' ? include : exclude).push(...ringsOfAnnotation(annotation));
  }
  const roiShapes = include.length + includeMasks.length;
  const excludeShapes = exclude.length + excludeMasks.length;
  const region =
    roiShapes === 0 && excludeShapes === 0
      ? null
      : { include: include.length > 0 ? include : null, exclude, includeMasks, excludeMasks };
  return { region, roiShapes, excludeShapes };
}

/** The same region in preview pixels (the preview covers the image at previewWidth / width). */
export function regionInPreview(
  region: RegionInput | null,
  image: { width: number; height: number },
  preview: { width: number; height: number },
): AnalysisRegion | null {
  if (!region) return null;
  const sx = preview.width / image.width;
  const sy = preview.height / image.height;
  const scale = (rings: Rings): Rings =>
    rings.map((ring) => ring.map((v, i) => (i % 2 === 0 ? v * sx : v * sy)));
  return {
    include: region.include ? region.include.map(scale) : null,
    exclude: (region.exclude ?? []).map(scale),
    // Masks stay in their own grid; the rasteriser maps mask squares into preview pixels.
    includeMasks: region.includeMasks ?? [],
    excludeMasks: region.excludeMasks ?? [],
    maskPixelFactor: { x: sx, y: sy },
  };
}

/** One line saying where the numbers are measured. */
export function describeRegion(r: ImageRegion, detectTissue: boolean): string {
  const base =
    r.roiShapes > 0
      ? `inside ${r.roiShapes} region${r.roiShapes === 1 ? '' : 's'} of interest`
      : detectTissue
        ? 'in the detected tissue'
        : 'in the whole image';
  const tissue = r.roiShapes > 0 && detectTissue ? ' (tissue only)' : '';
  const cut =
    r.excludeShapes > 0 ? `, minus ${r.excludeShapes} exclusion${r.excludeShapes === 1 ? '' : 's'}` : '';
  return `Measured ${base}${tissue}${cut}.`;
}
