/**
 * Numbers from the preview: the threshold the automatic methods pick on the preview pixels, and the
 * stained and analysed areas scaled up to full-resolution pixels. They are estimates (the preview is a
 * downsampled JPEG), shown as such until the exact full-resolution analysis answers.
 */
import type { StainMeasurement } from '../../shared/analysis/measure';
import { otsuBin, thresholdOfBin, triangleBin } from '../../shared/analysis/thresholds';
import { CODES_PER_OD, firstStainedCode, MAX_CODE, type AnalysedField } from './stain-field';

export type ThresholdMethod = 'fixed' | 'otsu' | 'triangle';

/**
 * The threshold in OD for a method on this field: the fixed value, or Otsu / triangle on the analysed
 * pixels' histogram. Null when no split exists (nothing analysed, or a single value): nothing is stained.
 */
export function previewThreshold(
  field: AnalysedField,
  method: ThresholdMethod,
  fixedOD: number,
): number | null {
  if (method === 'fixed') return fixedOD;
  const bin = method === 'otsu' ? otsuBin(field.thresholdHistogram) : triangleBin(field.thresholdHistogram);
  return bin === null ? null : thresholdOfBin(bin);
}

export interface ImageGeometry {
  width: number;
  height: number;
  umPerPx: number | null;
}

/** What the analysis would report, estimated from the preview at a threshold (null: nothing stained). */
export function previewMeasurement(
  field: AnalysedField,
  thresholdOD: number | null,
  image: ImageGeometry,
  tissueDetected: boolean,
): StainMeasurement {
  const first = thresholdOD === null ? MAX_CODE + 1 : firstStainedCode(thresholdOD);
  // Corrections last: marked-stained pixels below the threshold join, marked-not-stained ones above leave.
  const add = field.markedStained;
  const remove = field.markedNotStained;
  const addedPreviewPx = add ? add.count[0]! - add.count[first]! : 0;
  const removedPreviewPx = remove ? remove.count[first]! : 0;
  const stainedPreviewPx = field.suffixCount[first]! + addedPreviewPx - removedPreviewPx;
  const stainedCodes =
    field.suffixCodes[first]! +
    (add ? add.codes[0]! - add.codes[first]! : 0) -
    (remove ? remove.codes[first]! : 0);
  // Each preview pixel stands for this many full-resolution pixels.
  const pxPerPreviewPx = (image.width * image.height) / (field.width * field.height);
  const stainedAreaPx = Math.round(stainedPreviewPx * pxPerPreviewPx);
  const analyzedAreaPx = Math.round(field.analysedPx * pxPerPreviewPx);
  const pxArea = image.umPerPx ? image.umPerPx * image.umPerPx : null;
  // Codes are floored: the mean amount of a code is half a code above it.
  const meanCode = stainedPreviewPx > 0 ? stainedCodes / stainedPreviewPx + 0.5 : null;
  let reason: string | null = null;
  if (field.analysedPx === 0) {
    reason = tissueDetected
      ? 'no tissue was detected in the preview: turn tissue detection off, or check the region of interest'
      : 'the analysed region is empty';
  }
  return {
    stainedAreaPx,
    analyzedAreaPx,
    stainedFraction: field.analysedPx > 0 ? stainedPreviewPx / field.analysedPx : null,
    stainedFractionReason: reason,
    stainedAreaUm2: pxArea === null ? null : stainedAreaPx * pxArea,
    analyzedAreaUm2: pxArea === null ? null : analyzedAreaPx * pxArea,
    meanStainedOD: meanCode === null ? null : meanCode / CODES_PER_OD,
    objectsRemoved: 0,
    holesFilled: 0,
    manualAddedPx: Math.round(addedPreviewPx * pxPerPreviewPx),
    manualRemovedPx: Math.round(removedPreviewPx * pxPerPreviewPx),
  };
}
