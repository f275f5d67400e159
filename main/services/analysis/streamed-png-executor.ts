/**
 * Decoding and analysis side by side for PNGs that png-rows.ts reads row by row: the zlib stream is
 * inflated on the libuv thread pool while this thread rebuilds rows into the image buffer, and every band
 * starts (here or in a worker) as soon as its rows and the Gaussian's halo are in place. The whole image
 * is decoded once, straight into the memory the workers read, and kept for later passes (automatic white
 * point or threshold, size filters). The pixels are those sharp would give, so the numbers do not change.
 */
import { runBandJob, type BandJob } from '../../../shared/analysis/band-jobs';
import { haloRows, prepareKernel, type PreparedKernel } from '../../../shared/analysis/kernel';
import type { BandExecutor } from '../../../shared/analysis/measure';
import type { ResolvedParams } from '../../../shared/analysis/protocol';
import type { AnalysisRegion } from '../../../shared/analysis/region';
import { readPngRows, type PngRowsPlan } from '../images/png-rows';
import type { SharedPixels } from './decode-pixels';
import { RowArrival } from './row-arrival';
import type { AnalysisWorkerPool } from './worker-pool';

export class StreamedPngExecutor implements BandExecutor {
  private prepared: PreparedKernel | null = null;
  private halo = 0;
  private readonly pixels: SharedPixels;
  private readonly arrival: RowArrival;
  private readonly stopper = new AbortController();
  private imageLoaded = false;

  /**
   * Starts decoding at once. `describeFailure` turns a decoding error into the error the caller reports
   * (it names the file).
   */
  constructor(
    private readonly pool: AnalysisWorkerPool | null,
    file: string,
    plan: PngRowsPlan,
    describeFailure: (err: unknown) => unknown,
  ) {
    const bytes = plan.width * plan.height * 3;
    // Shared memory only when workers read it (it cannot be handed back to the allocator early).
    const shared = pool ? new SharedArrayBuffer(bytes) : null;
    this.pixels = {
      data: shared ? new Uint8Array(shared) : new Uint8Array(Buffer.allocUnsafe(bytes).buffer, 0, bytes),
      shared,
      width: plan.width,
      height: plan.height,
      channels: 3,
    };
    this.arrival = new RowArrival(plan.height);
    readPngRows(file, plan, this.pixels.data, (rows) => this.arrival.advance(rows), this.stopper.signal).then(
      () => this.arrival.advance(plan.height),
      (err: unknown) => this.arrival.fail(describeFailure(err)),
    );
  }

  /** Stop decoding (cancelled or failed analysis); bands still waiting are rejected. */
  stop(): void {
    this.stopper.abort();
  }

  async setup(params: ResolvedParams, region: AnalysisRegion | null): Promise<void> {
    this.halo = haloRows(params);
    this.prepared = prepareKernel(params, region);
    if (this.pool) await this.pool.setup(params, region);
  }

  /** Resolves when the rows `job` reads (with the halo) are decoded. */
  private rowsOf(job: BandJob): Promise<void> {
    // The white-point pass runs before setup and reads no halo.
    const halo = job.pass === 'white' ? 0 : this.halo;
    return this.arrival.whenReady(job.y1 + halo);
  }

  async runAll(jobs: BandJob[], onJobDone: () => void): Promise<unknown[]> {
    const local = (job: BandJob) => runBandJob(this.pixels, this.prepared, job);
    if (this.pool && this.arrival.complete) {
      // A later pass (automatic white point or threshold) over the decoded image: every thread takes bands.
      if (!this.imageLoaded) this.pool.loadImage(this.pixels);
      this.imageLoaded = true;
      return this.pool.runAll(jobs, onJobDone, local);
    }
    // While decoding, this thread alone keeps up with the inflater (the kernel runs several times faster
    // than zlib inflates), and the other core stays free for the inflating.
    const results: unknown[] = [];
    for (const job of jobs) {
      // Waiting yields to the event loop, which is where the inflated rows are rebuilt.
      await this.rowsOf(job);
      results.push(local(job));
      onJobDone();
      // While decoding goes on, let the inflater have its next chunk between bands.
      if (!this.arrival.complete) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return results;
  }
}
