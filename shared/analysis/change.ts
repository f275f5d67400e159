/**
 * Change between a before and an after measurement: absolute (px, um2, percentage points of fraction),
 * relative (%) and fold, on the stained fraction (default: it does not depend on how much tissue each
 * biopsy holds) or the stained area. Undefined values are null with a reason, never NaN or Infinity.
 */
import type { StainMeasurement } from './measure';

export type ChangeMeasure = 'fraction' | 'area';

export interface StainChange {
  measure: ChangeMeasure;
  stainedAreaPx: number;
  stainedAreaUm2: number | null;
  fractionPoints: number | null;
  relativePercent: number | null;
  foldChange: number | null;
  /** Why a value is null, by field name. */
  reasons: Record<string, string>;
}

export function stainChange(
  before: StainMeasurement,
  after: StainMeasurement,
  measure: ChangeMeasure = 'fraction',
): StainChange {
  const reasons: Record<string, string> = {};
  const stainedAreaUm2 =
    before.stainedAreaUm2 !== null && after.stainedAreaUm2 !== null
      ? after.stainedAreaUm2 - before.stainedAreaUm2
      : null;
  if (stainedAreaUm2 === null) reasons.stainedAreaUm2 = 'an image has no calibration (um per pixel)';
  const fractionPoints =
    before.stainedFraction !== null && after.stainedFraction !== null
      ? (after.stainedFraction - before.stainedFraction) * 100
      : null;
  if (fractionPoints === null)
    reasons.fractionPoints = 'an image has no analysed pixels (no stained fraction)';

  let from: number | null;
  let to: number | null;
  if (measure === 'fraction') {
    from = before.stainedFraction;
    to = after.stainedFraction;
  } else if (before.stainedAreaUm2 !== null && after.stainedAreaUm2 !== null) {
    from = before.stainedAreaUm2;
    to = after.stainedAreaUm2;
  } else {
    // Pixel areas compare only when both images share a scale; say so rather than refuse.
    from = before.stainedAreaPx;
    to = after.stainedAreaPx;
    reasons.area = 'areas compared in pixels: an image has no calibration';
  }
  let relativePercent: number | null = null;
  let foldChange: number | null = null;
  if (from === null || to === null) {
    reasons.relativePercent = reasons.foldChange = `the ${measure} is undefined for an image`;
  } else if (from === 0) {
    reasons.relativePercent =
      reasons.foldChange = `the before ${measure} is 0: relative change and fold are undefined`;
  } else {
    relativePercent = ((to - from) / from) * 100;
    foldChange = to / from;
  }
  return {
    measure,
    stainedAreaPx: after.stainedAreaPx - before.stainedAreaPx,
    stainedAreaUm2,
    fractionPoints,
    relativePercent,
    foldChange,
    reasons,
  };
}
