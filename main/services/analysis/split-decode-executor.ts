/**
 * Decoding and analysis overlap for images decoded in memory (PNG, JPEG, TIFF below the strip size).
 *
 * sharp hands over decoded pixels only once libvips has finished the whole request: its raw output stream
 * is that same single buffer, pushed at the end. So the image is requested as two row ranges decoded at
 * once: libvips reads PNG and JPEG sequentially, so the top range is ready after about half the decode
 * time (the bottom one, which reads past the top rows, after about the whole of it), and the top range's
 * bands run, in this thread and the workers, while libvips finishes the bottom one. Each range carries
 * the Gaussian's halo rows beyond its bands, so every band sees exactly the pixels it would see in the
 * whole image and the numbers do not change. Both ranges are kept for later passes (automatic white
 * point or threshold, size filters).
 */
import { runBandJob, type BandJob } from '../../../shared/analysis/band-jobs';
import {
  haloRows,
  prepareKernel,
  type PixelBuffer,
  type PreparedKernel,
} from '../../../shared/analysis/kernel';
import type { BandExecutor } from '../../../shared/analysis/measure';
import type { ResolvedParams } from '../../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import type { RowRange } from './decode-pixels';
import { RowMirror } from './row-mirror';
import type { AnalysisWorkerPool } from './worker-pool';

/** Decode rows [top, top + rows) into this thread's memory (a PixelBuffer whose firstRow is `top`). */
export type RangeDecoder = (range: RowRange | null) => Promise<PixelBuffer>;

interface Part {
  /** The bands of this part are those with y0 in [y0, y1). */
  y0: number;
  y1: number;
  pixels: Promise<PixelBuffer>;
  mirror: RowMirror | null;
}

/** The row where the image is cut: about half-way, on a band boundary; null when one band covers it. */
export function splitRowFor(height: number, bandRows: number): number | null {
  const split = Math.ceil(height / 2 / bandRows) * bandRows;
  return split > 0 && split < height ? split : null;
}

export class SplitDecodeExecutor implements BandExecutor {
  private prepared: PreparedKernel | null = null;
  private halo = 0;
  private readonly parts: Part[];

  /**
   * Starts decoding at once. `maxHalo`: the halo rows each range carries (that of the parameters about to
   * be run: haloRows of precheck's result).
   */
  constructor(
    private readonly pool: AnalysisWorkerPool | null,
    height: number,
    splitRow: number | null,
    private readonly maxHalo: number,
    decode: RangeDecoder,
    private readonly isCancelled: () => boolean = () => false,
  ) {
    const bounds: [number, number][] =
      splitRow === null
        ? [[0, height]]
        : [
            [0, splitRow],
            [splitRow, height],
          ];
    this.parts = bounds.map(([y0, y1]) => {
      const top = Math.max(0, y0 - maxHalo);
      const range = bounds.length === 1 ? null : { top, rows: Math.min(height, y1 + maxHalo) - top };
      const pixels = decode(range);
      pixels.catch(() => undefined); // awaited in runAll; this only keeps an early failure from going unhandled
      return { y0, y1, pixels, mirror: null };
    });
  }

  async setup(params: ResolvedParams, region: AnalysisRegion | null): Promise<void> {
    this.halo = haloRows(params);
    if (this.halo > this.maxHalo) throw new Error('SplitDecodeExecutor: the decoded ranges lack halo rows');
    this.prepared = prepareKernel(params, region);
    if (this.pool) await this.pool.setup(params, region);
  }

  async runAll(jobs: BandJob[], onJobDone: () => void): Promise<unknown[]> {
    const results: unknown[] = new Array(jobs.length);
    for (const part of this.parts) {
      const indices = jobs.flatMap((job, index) => (job.y0 >= part.y0 && job.y0 < part.y1 ? [index] : []));
      if (indices.length === 0) continue;
      const partJobs = indices.map((index) => jobs[index]!);
      if (partJobs.some((job) => job.y1 > part.y1))
        throw new Error('SplitDecodeExecutor: a band straddles the cut');
      const pixels = await part.pixels;
      if (this.isCancelled()) break;
      const local = (job: BandJob) => runBandJob(pixels, this.prepared, job);
      let partResults: unknown[];
      if (this.pool) {
        part.mirror ??= new RowMirror(pixels);
        const mirror = part.mirror;
        // Messages to a worker arrive in order: its jobs of this part see this part's rows.
        this.pool.loadImage(mirror.shared);
        partResults = await this.pool.runAll(partJobs, onJobDone, local, (job) =>
          mirror.ensureRows(job.y0 - this.halo, job.y1 + this.halo),
        );
      } else {
        partResults = partJobs.map((job) => {
          const result = local(job);
          onJobDone();
          return result;
        });
      }
      indices.forEach((index, k) => (results[index] = partResults[k]));
    }
    return results;
  }
}
