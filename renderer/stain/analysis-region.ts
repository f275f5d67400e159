/**
 * The region an image is analysed in, from its annotations: shapes of classes with the role "roi" are
 * the region of interest, shapes of classes with the role "exclude" are cut out of it. Outlines go as
 * polygons and painted shapes as their encoded masks; the analysis unions both. The manual corrections
 * ("Stained collagen" and "Not stained" marks) are read too, for the live preview: the exact analysis
 * reads them from the study itself.
 */
import type { z } from 'zod';
import type { AnalysisRegionInput } from '../../shared/analysis/api-schemas';
import type { AnalysisRegion } from '../../shared/analysis/region';
import { manualMarks, type ManualMarks } from '../../shared/analysis/annotation-shapes';
import { regionAtScale, regionOfStoredAnnotations } from '../../shared/annotations/stored-region';
import type { Annotation, AnnotationClass } from '../../shared/annotations/types';

export type RegionInput = z.input<typeof AnalysisRegionInput>;

export interface ImageRegion {
  /** What analyzeImage receives; null = the whole image (or the detected tissue). */
  region: RegionInput | null;
  /** Outlined polygons and painted masks of ROI classes. */
  roiShapes: number;
  /** Outlined polygons and painted masks of exclusion classes. */
  excludeShapes: number;
  /** The manual corrections, applied last (the preview applies them as the exact analysis does). */
  marks: ManualMarks;
}

export function regionOfAnnotations(
  annotations: readonly Annotation[],
  classes: readonly AnnotationClass[],
): ImageRegion {
  // The same region `study analyze` measures in (shared/annotations/stored-region.ts).
  const region = regionOfStoredAnnotations(annotations, classes);
  return {
    region,
    roiShapes: (region?.include?.length ?? 0) + (region?.includeMasks.length ?? 0),
    excludeShapes: (region?.exclude.length ?? 0) + (region?.excludeMasks.length ?? 0),
    marks: manualMarks(annotations, classes),
  };
}

/** The same region in preview pixels (the preview covers the image at previewWidth / width). */
export function regionInPreview(
  imageRegion: Pick<ImageRegion, 'region' | 'marks'>,
  image: { width: number; height: number },
  preview: { width: number; height: number },
): AnalysisRegion | null {
  return regionAtScale(
    imageRegion.region,
    imageRegion.marks,
    preview.width / image.width,
    preview.height / image.height,
  );
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
  return `Measured ${base}${tissue}${cut}.${describeMarks(r.marks)}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The corrections in words, or '' without any. */
function describeMarks(marks: ManualMarks): string {
  const added = marks.stained.ids.length;
  const removed = marks.notStained.ids.length;
  if (added + removed === 0) return '';
  const parts = [
    added > 0 ? `${plural(added, 'Stained collagen mark')} added` : '',
    removed > 0 ? `${plural(removed, 'Not stained mark')} removed` : '',
  ].filter(Boolean);
  return ` Corrections applied last: ${parts.join(', ')}.`;
}
