/**
 * The region an image is measured in, from its stored annotations: shapes of classes with the role
 * "roi" are the region of interest, shapes of classes with the role "exclude" are cut out of it
 * (outlines as polygons, painted shapes as their masks). Batch analysis (`dermaquant study analyze`)
 * measures each image where the editor's stain panel does.
 */
import type { z } from 'zod';
import type { AnalysisRegionInput } from '../analysis/api-schemas';
import { shapesWithRole } from '../analysis/annotation-shapes';
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
