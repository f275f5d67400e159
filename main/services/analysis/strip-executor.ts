/**
 * Bounded memory for large images: the image is decoded strip by strip (sharp extract: a tiled TIFF or
 * SVS reads only the tiles it needs), each strip analysed by the calling thread and the workers, and the
 * next strip decoded while the current one is analysed. Strips hold whole bands plus the Gaussian's halo
 * rows, so every band sees exactly the pixels it would see in the whole image: the numbers do not change.
 */
import { runBandJob, type BandJob } from '../../../shared/analysis/band-jobs';
import { haloRows, prepareKernel, type PreparedKernel } from '../../../shared/analysis/kernel';
import type { BandExecutor } from '../../../shared/analysis/measure';
import type { ResolvedParams } from '../../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import type { RowRange, SharedPixels } from './decode-pixels';
import type { AnalysisWorkerPool } from './worker-pool';

/**
 * Decode rows [top, top + rows): into `reuse` (shared memory the workers already know) when given, into
 * this thread's memory when no workers take part.
 */
export type StripDecoder = (
  range: RowRange,
  forWorkers: boolean,
  reuse: SharedArrayBuffer | null,
) => Promise<SharedPixels>;

export class StripExecutor implements BandExecutor {
  private params: ResolvedParams | null = null;
  private prepared: PreparedKernel | null = null;

  constructor(
    private readonly pool: AnalysisWorkerPool | null,
    private readonly width: number,
    private readonly height: number,
    /** Rows per strip: a multiple of the band height, so no band straddles two strips. */
    private readonly stripRows: number,
    private readonly decode: StripDecoder,
    private readonly isCancelled: () => boolean = () => false,
  ) {}

  async setup(params: ResolvedParams, region: AnalysisRegion | null): Promise<void> {
    this.params = params;
    this.prepared = prepareKernel(params, region);
    if (this.pool) await this.pool.setup(params, region);
  }

  private buffers: SharedArrayBuffer[] = [];

  /**
   * Two shared buffers, used alternately (strip i + 1 is decoded into one while strip i is read from the
   * other) and kept for every pass; regrown only when the halo makes strips taller.
   */
  private sharedBuffers(): SharedArrayBuffer[] {
    const halo = this.params ? haloRows(this.params) : 0;
    const bytes = Math.min(this.height, this.stripRows + 2 * halo) * this.width * 3;
    if (this.buffers.length === 0 || this.buffers[0]!.byteLength < bytes) {
      this.buffers = [new SharedArrayBuffer(bytes), new SharedArrayBuffer(bytes)];
    }
    return this.buffers;
  }

  private rangeOf(strip: number): RowRange {
    // The white-point pass runs before setup and needs no halo.
    const halo = this.params ? haloRows(this.params) : 0;
    const top = Math.max(0, strip * this.stripRows - halo);
    const end = Math.min(this.height, (strip + 1) * this.stripRows + halo);
    return { top, rows: end - top };
  }

  async runAll(jobs: BandJob[], onJobDone: () => void): Promise<unknown[]> {
    const byStrip = new Map<number, number[]>();
    jobs.forEach((job, index) => {
      const strip = Math.floor(job.y0 / this.stripRows);
      if (job.y1 > (strip + 1) * this.stripRows)
        throw new Error('StripExecutor: a band straddles two strips');
      byStrip.set(strip, [...(byStrip.get(strip) ?? []), index]);
    });
    const strips = [...byStrip.keys()].sort((a, b) => a - b);
    const results: unknown[] = new Array(jobs.length);
    const forWorkers = this.pool !== null;
    const buffers = forWorkers ? this.sharedBuffers() : [null, null];
    const decodeStrip = (i: number) => this.decode(this.rangeOf(strips[i]!), forWorkers, buffers[i % 2]!);
    let next: Promise<SharedPixels> | null = strips.length > 0 ? decodeStrip(0) : null;
    for (let i = 0; i < strips.length; i++) {
      const pixels = await next!;
      // Decode the next strip while this one is analysed (libvips works in its own thread).
      next = i + 1 < strips.length ? decodeStrip(i + 1) : null;
      if (this.isCancelled()) {
        await next?.catch(() => undefined);
        break;
      }
      const indices = byStrip.get(strips[i]!)!;
      const stripJobs = indices.map((index) => jobs[index]!);
      const local = (job: BandJob) => runBandJob(pixels, this.prepared, job);
      let stripResults: unknown[];
      if (this.pool) {
        this.pool.loadImage(pixels);
        stripResults = await this.pool.runAll(stripJobs, onJobDone, local);
      } else {
        stripResults = stripJobs.map((job) => {
          const result = local(job);
          onJobDone();
          return result;
        });
      }
      indices.forEach((index, k) => (results[index] = stripResults[k]));
    }
    return results;
  }
}
