/**
 * One band job on pixels in the calling thread: what each worker runs. Kept apart from measure.ts so the
 * worker bundle carries the kernel only (no zod, no protocol parsing) and starts quickly.
 */
import type { BandMeasure, PixelBuffer, PreparedKernel } from './kernel';
import { amountHistogramBand, measureBand, whiteHistogramBand } from './kernel';

export type BandJob =
  | { pass: 'white'; y0: number; y1: number }
  | { pass: 'histogram'; y0: number; y1: number }
  | { pass: 'measure'; y0: number; y1: number; threshold: number; collectRuns: boolean };

/** Run one band job on pixels in this thread (what each worker does for its share). */
export function runBandJob(
  image: PixelBuffer,
  prepared: PreparedKernel | null,
  job: BandJob,
): Float64Array | BandMeasure {
  if (job.pass === 'white') return whiteHistogramBand(image, job.y0, job.y1);
  if (!prepared) throw new Error('runBandJob: setup must come before histogram and measure jobs');
  if (job.pass === 'histogram') return amountHistogramBand(image, prepared, job.y0, job.y1);
  return measureBand(image, prepared, job.y0, job.y1, job.threshold, job.collectRuns);
}
