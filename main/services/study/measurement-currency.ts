/**
 * Whether an image's measurement still stands for it, so "analyse all" can skip it: made with the
 * study protocol's current revision (listStudyResults already keeps only those), in the same region,
 * with the same manual marks, and no annotation of the image saved since (a mark or an outline
 * reshaped keeps its id but changes the figure).
 */
import type { MeasurementRecord } from '../../../shared/analysis/api-schemas';
import type { ManualMarks } from '../../../shared/analysis/annotation-shapes';
import type { StoredRegion } from '../../../shared/annotations/stored-region';

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export function measurementIsCurrent(
  measurement: MeasurementRecord | null,
  now: { region: StoredRegion | null; marks: ManualMarks; annotationsSavedAt: readonly string[] },
): boolean {
  if (measurement === null || !measurement.corrections.applied) return false;
  const storedRegion = (measurement.params as { region?: unknown }).region ?? null;
  return (
    JSON.stringify(storedRegion) === JSON.stringify(now.region) &&
    sameIds(measurement.corrections.stainedMarks, now.marks.stained.ids) &&
    sameIds(measurement.corrections.notStainedMarks, now.marks.notStained.ids) &&
    now.annotationsSavedAt.every((savedAt) => savedAt <= measurement.createdAt)
  );
}
