/**
 * The rows of the Results table: each image with its measurement, and after a timepoint holding several
 * images a pooled row (sums of stained and analysed pixels, as the statistics and the CSV pool them).
 */
import type { ImageResult } from '../../shared/api-study-results';
import { poolFields, type PooledMeasure } from '../../shared/stats/change';

export interface ImageRow {
  kind: 'image';
  key: string;
  result: ImageResult;
}

export interface PooledRow {
  kind: 'pooled';
  key: string;
  subject: string;
  timepoint: ImageResult['timepoint'];
  images: number;
  /** null while an image of the timepoint has no current measurement (a partial sum would mislead). */
  pooled: PooledMeasure | null;
}

export type ResultRow = ImageRow | PooledRow;

function pooledRow(group: ImageResult[]): PooledRow {
  const first = group[0]!;
  const complete = group.every((r) => r.measurement !== null);
  return {
    kind: 'pooled',
    key: `pooled-${first.timepoint.id}`,
    subject: first.subject.code,
    timepoint: first.timepoint,
    images: group.length,
    pooled: complete
      ? poolFields(
          group.map((r) => ({
            stainedPx: r.measurement!.measurement.stainedAreaPx,
            analyzedPx: r.measurement!.measurement.analyzedAreaPx,
            umPerPx: r.measurement!.params.umPerPx,
          })),
        )
      : null,
  };
}

/** In study order; a pooled row follows each timepoint with two or more images. */
export function resultRows(images: readonly ImageResult[]): ResultRow[] {
  const rows: ResultRow[] = [];
  let group: ImageResult[] = [];
  const flush = () => {
    rows.push(
      ...group.map((result): ImageRow => ({ kind: 'image', key: `image-${result.image.id}`, result })),
    );
    if (group.length > 1) rows.push(pooledRow(group));
    group = [];
  };
  for (const r of images) {
    if (group.length > 0 && group[0]!.timepoint.id !== r.timepoint.id) flush();
    group.push(r);
  }
  if (group.length > 0) flush();
  return rows;
}
