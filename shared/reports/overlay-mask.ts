/**
 * The stain drawn over a report figure: the measurement's own parameters (its threshold, automatic
 * ones included) applied to the downsampled preview, inside the image's region of interest minus
 * exclusions, with its manual marks applied last, as the exact analysis orders them. A picture of where
 * the stain is, not a second measurement: smoothing and size filters are left out at this scale, and the
 * report's figures always come from the full-resolution analysis.
 */
import type { AnnotationClass, Annotation } from '../annotations/types';
import { manualMarks } from '../analysis/annotation-shapes';
import { regionAtScale, regionOfStoredAnnotations } from '../annotations/stored-region';
import { CorrectionRows } from '../analysis/corrections';
import type { PixelBuffer } from '../analysis/kernel';
import { previewMask } from '../analysis/preview';
import type { ResolvedParams } from '../analysis/protocol';
import { RegionRows, type AnalysisRegion } from '../analysis/region';

export const NOT_ANALYSED = 0;
export const ANALYSED = 1;
export const STAINED = 2;

/** The image's region and marks in the pixels of a copy `sx` x `sy` times its size. */
export function regionOfFigure(
  annotations: readonly Annotation[],
  classes: readonly Pick<AnnotationClass, 'id' | 'role'>[],
  sx: number,
  sy: number,
): AnalysisRegion | null {
  return regionAtScale(
    regionOfStoredAnnotations(annotations, classes),
    manualMarks(annotations, classes),
    sx,
    sy,
  );
}

/** Per pixel NOT_ANALYSED, ANALYSED or STAINED. */
export function overlayMask(
  image: PixelBuffer,
  params: ResolvedParams,
  region: AnalysisRegion | null,
): Uint8Array {
  // An automatic threshold with no split stains nothing (measure.ts does the same).
  const threshold = params.threshold.od ?? Number.POSITIVE_INFINITY;
  const { mask } = previewMask(image, params, region, threshold);
  const marks = CorrectionRows.of(region, image.width, 0, image.height);
  if (!marks) return mask;
  const rows = new RegionRows(region, image.width, 0, image.height);
  for (let y = 0; y < image.height; y++) {
    const { add, remove } = marks.row(y, rows.spans(y));
    const row = y * image.width;
    // Marks count only where the pixel is analysed (tissue inside the region), as in the exact analysis.
    const set = (spans: number[], value: number) => {
      for (let s = 0; s < spans.length; s += 2) {
        for (let x = spans[s]!; x < spans[s + 1]!; x++)
          if (mask[row + x] !== NOT_ANALYSED) mask[row + x] = value;
      }
    };
    set(add, STAINED);
    set(remove, ANALYSED);
  }
  return mask;
}
