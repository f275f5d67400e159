/**
 * The region an image is measured in, from its stored annotations: shapes of classes with the role
 * "roi" are the region of interest, shapes of classes with the role "exclude" are cut out of it
 * (outlines as polygons, painted shapes as their masks). Batch analysis (`dermaquant study analyze`)
 * measures each image where the editor's stain panel does.
 */
import type { z } from 'zod';
import type { AnalysisRegionInput } from '../analysis/api-schemas';
import { shapesWithRole, withManualMarks, type ManualMarks } from '../analysis/annotation-shapes';
import type { AnalysisRegion } from '../analysis/region';
import type { Annotation, AnnotationClass } from './types';

export type StoredRegion = z.output<typeof AnalysisRegionInput>;

/** The region of interest minus the exclusions; null (the whole image, or the detected tissue) when none is drawn. */
export function regionOfStoredAnnotations(
  annotations: readonly Annotation[],
  classes: readonly Pick<AnnotationClass, 'id' | 'role'>[],
): StoredRegion | null {
  const roi = shapesWithRole(annotations, classes, 'roi');
  const cut = shapesWithRole(annotations, classes, 'exclude');
  if (roi.ids.length === 0 && cut.ids.length === 0) return null;
  return {
    include: roi.polygons.length > 0 ? roi.polygons : null,
    exclude: cut.polygons,
    includeMasks: roi.masks,
    excludeMasks: cut.masks,
  };
}

type Rings = number[][];

/**
 * The region and the manual marks in the pixels of a copy of the image `sx` x `sy` times its size (the
 * renderer's preview, a report figure): polygons are scaled, masks keep their own grid and the rasteriser
 * maps their squares (maskPixelFactor).
 */
export function regionAtScale(
  region: z.input<typeof AnalysisRegionInput> | null,
  marks: ManualMarks,
  sx: number,
  sy: number,
): AnalysisRegion | null {
  const scale = (rings: Rings): Rings => rings.map((ring) => ring.map((v, i) => v * (i % 2 === 0 ? sx : sy)));
  const scaled: AnalysisRegion | null = region
    ? {
        include: region.include ? region.include.map(scale) : null,
        exclude: (region.exclude ?? []).map(scale),
        includeMasks: region.includeMasks ?? [],
        excludeMasks: region.excludeMasks ?? [],
      }
    : null;
  const marked = withManualMarks(scaled, {
    stained: { ...marks.stained, polygons: marks.stained.polygons.map(scale) },
    notStained: { ...marks.notStained, polygons: marks.notStained.polygons.map(scale) },
  });
  return marked ? { ...marked, maskPixelFactor: { x: sx, y: sy } } : null;
}
