/**
 * Change between a before and an after measurement, and pooling of several fields of view per
 * timepoint. Undefined changes (relative change from zero, a missing value) are null with a reason,
 * never NaN or Infinity.
 */

export interface Change {
  /** after - before, in the measure's unit (um2, px, or a 0..1 fraction). */
  absolute: number | null;
  /** (after - before) / before x 100. */
  relativePercent: number | null;
  /** after / before. */
  foldChange: number | null;
  unavailable: Partial<Record<'absolute' | 'relativePercent' | 'foldChange', string>>;
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

export function changeBetween(before: number | null, after: number | null): Change {
  if (!finite(before) || !finite(after)) {
    const reason = `the ${finite(before) ? 'after' : 'before'} value is missing`;
    return {
      absolute: null,
      relativePercent: null,
      foldChange: null,
      unavailable: { absolute: reason, relativePercent: reason, foldChange: reason },
    };
  }
  if (before === 0) {
    const reason = 'the before value is 0, so a ratio to it is undefined';
    return {
      absolute: after - before,
      relativePercent: null,
      foldChange: null,
      unavailable: { relativePercent: reason, foldChange: reason },
    };
  }
  return {
    absolute: after - before,
    relativePercent: ((after - before) / before) * 100,
    foldChange: after / before,
    unavailable: {},
  };
}

/** Change of a 0..1 fraction in percentage points: 0.12 -> 0.18 is +6 points. */
export const fractionPointChange = (before: number | null, after: number | null): number | null =>
  finite(before) && finite(after) ? (after - before) * 100 : null;

export interface FieldMeasure {
  stainedPx: number;
  analyzedPx: number;
  /** Calibration of that image; null when uncalibrated. */
  umPerPx: number | null;
}

export interface PooledMeasure {
  fields: number;
  stainedPx: number;
  analyzedPx: number;
  /** stained / analysed pixels over all fields (not the mean of per-field fractions); null if nothing analysed. */
  stainedFraction: number | null;
  /** Sums over fields, each converted with its own calibration; null if any field is uncalibrated. */
  stainedAreaUm2: number | null;
  analyzedAreaUm2: number | null;
}

/** Pools the fields of view of one timepoint: sums of stained and analysed pixels. */
export function poolFields(fields: readonly FieldMeasure[]): PooledMeasure {
  const stainedPx = fields.reduce((s, f) => s + f.stainedPx, 0);
  const analyzedPx = fields.reduce((s, f) => s + f.analyzedPx, 0);
  const calibrated = fields.length > 0 && fields.every((f) => f.umPerPx !== null && f.umPerPx > 0);
  const um2 = (pick: (f: FieldMeasure) => number) =>
    calibrated ? fields.reduce((s, f) => s + pick(f) * (f.umPerPx as number) ** 2, 0) : null;
  return {
    fields: fields.length,
    stainedPx,
    analyzedPx,
    stainedFraction: analyzedPx > 0 ? stainedPx / analyzedPx : null,
    stainedAreaUm2: um2((f) => f.stainedPx),
    analyzedAreaUm2: um2((f) => f.analyzedPx),
  };
}
