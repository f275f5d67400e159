/**
 * A pool of analysis worker threads. Bands are handed out one at a time to whichever worker is free
 * (so a slow band never idles the others); results are put back in band order, so the merge, and thus
 * every number, is the same for any number of workers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runBandJob } from '../../../shared/analysis/band-jobs';
import { prepareKernel, type PixelBuffer, type PreparedKernel } from '../../../shared/analysis/kernel';
import type { BandExecutor, BandJob } from '../../../shared/analysis/measure';
import type { FromWorker, ToWorker } from './worker-messages';
import type { SharedPixels } from './decode-pixels';

const WORKER_FILE = 'analysis-worker.cjs';

/**
 * Where the bundled worker is: beside the running bundle (out/cli.cjs, out/electron-main.cjs), or in the
 * out/ folder of the checkout when running from TypeScript sources (vitest: run `npm run build:main`).
 */
export function findWorkerScript(): string {
  const candidates: string[] = [];
  if (process.env.DERMAQUANT_ANALYSIS_WORKER) candidates.push(process.env.DERMAQUANT_ANALYSIS_WORKER);
  if (typeof __dirname === 'string') candidates.push(path.join(__dirname, WORKER_FILE));
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'out', WORKER_FILE));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) {
    throw new Error(
      `The analysis worker (${WORKER_FILE}) was not found; run \`npm run build:main\`. Looked in: ${candidates
        .slice(0, 3)
        .join(', ')}`,
    );
  }
  return found;
}

/** Threads to add to the calling thread, which takes bands too (HybridExecutor): one per other core. */
export const defaultHelperCount = (): number => Math.max(1, defaultWorkerCount() - 1);

/** The cores this process may use (availableParallelism where Node has it). */
export const availableCores = (): number =>
  typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

export const defaultWorkerCount = (): number => Math.max(1, Math.min(4, availableCores()));

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * A pool, or null when out/analysis-worker.cjs is missing (running from sources before a build, or a
 * package that left it out): the bands then run in the calling thread, with the same results.
 */
export function startPool(size: number): AnalysisWorkerPool | null {
  let script: string;
  try {
    script = findWorkerScript();
  } catch {
    return null;
  }
  return new AnalysisWorkerPool(size, script);
}

export class AnalysisWorkerPool implements BandExecutor {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(
    readonly size = defaultWorkerCount(),
    script = findWorkerScript(),
  ) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(script);
      worker.on('message', (message: FromWorker) => this.settle(message));
      worker.on('error', (err) => this.failAll(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.failAll(new Error(`an analysis worker stopped (exit code ${code})`));
      });
      return worker;
    });
  }

  private settle(message: FromWorker): void {
    const waiting = this.pending.get(message.id);
    if (message.type === 'error' && !waiting) {
      this.failAll(new Error(message.message));
      return;
    }
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.type === 'done') waiting.resolve(message.result);
    else waiting.reject(new Error(message.message));
  }

  private failAll(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  /** Give every worker a view of the decoded pixels. */
  loadImage(pixels: SharedPixels): void {
    if (!pixels.shared) throw new Error('loadImage: the pixels were not decoded into shared memory');
    for (const worker of this.workers) {
      this.post(worker, {
        type: 'image',
        shared: pixels.shared,
        width: pixels.width,
        height: pixels.height,
        channels: pixels.channels,
        firstRow: pixels.firstRow ?? 0,
      });
    }
  }

  setup(...[params, region]: Parameters<BandExecutor['setup']>): Promise<void> {
    // Messages to one worker arrive in order, so its jobs always see this setup.
    for (const worker of this.workers) this.post(worker, { type: 'setup', params, region });
    return Promise.resolve();
  }

  private runOn(worker: Worker, job: BandJob): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post(worker, { type: 'job', id, job });
    });
  }

  /**
   * Run the jobs on the workers, and also in this thread when `local` is given: the calling thread takes
   * a band whenever it is free (yielding to the event loop between bands), so no time is lost while the
   * threads start up or while a band waits for a free worker.
   */
  async runAll(
    jobs: BandJob[],
    onJobDone: () => void,
    local?: (job: BandJob) => unknown,
    /** Called just before a job is posted to a worker (e.g. to copy its rows into shared memory). */
    beforeWorkerJob?: (job: BandJob) => void,
  ): Promise<unknown[]> {
    const results: unknown[] = new Array(jobs.length);
    let next = 0;
    const drive = async (worker: Worker): Promise<void> => {
      while (next < jobs.length) {
        const index = next++;
        beforeWorkerJob?.(jobs[index]!);
        results[index] = await this.runOn(worker, jobs[index]!);
        onJobDone();
      }
    };
    const driveHere = async (): Promise<void> => {
      while (next < jobs.length && this.failure === null) {
        const index = next++;
        results[index] = local!(jobs[index]!);
        onJobDone();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([...this.workers.map(drive), ...(local ? [driveHere()] : [])]);
    return results;
  }

  /** Let the workers drop their view of the last image. */
  releaseImage(): void {
    for (const worker of this.workers) this.post(worker, { type: 'release' });
  }

  /** Whether a worker failed or the pool was stopped (it must not be reused). */
  get broken(): boolean {
    return this.failure !== null;
  }

  /** Let the process exit while this pool sits idle (a kept pool must not hold the CLI open). */
  unref(): void {
    for (const worker of this.workers) worker.unref();
  }

  ref(): void {
    for (const worker of this.workers) worker.ref();
  }

  /** Stop the threads; anything still running is rejected. */
  async terminate(): Promise<void> {
    this.failAll(new Error('the analysis was stopped'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * Keeps one idle pool between analyses, so the services object does not pay the thread start-up on every
 * call. Concurrent analyses get their own pools; a pool that was cancelled mid-run is never reused.
 */
export class WorkerPoolCache {
  private idle: AnalysisWorkerPool | null = null;

  constructor(private readonly size = defaultHelperCount()) {}

  /** A pool, or null when the worker bundle is missing (the caller then runs in its own thread). */
  acquire(): AnalysisWorkerPool | null {
    const pool = this.idle && !this.idle.broken ? this.idle : startPool(this.size);
    this.idle = null;
    pool?.ref();
    return pool;
  }

  async release(pool: AnalysisWorkerPool): Promise<void> {
    if (!pool.broken && this.idle === null) {
      pool.releaseImage();
      pool.unref();
      this.idle = pool;
    } else {
      await pool.terminate();
    }
  }

  async close(): Promise<void> {
    const idle = this.idle;
    this.idle = null;
    if (idle) await idle.terminate();
  }
}

/**
 * The workers plus the calling thread: every band runs the same pure kernel wherever it lands, and
 * results are merged in band order, so the numbers are those of any other executor.
 */
export class HybridExecutor implements BandExecutor {
  private prepared: PreparedKernel | null = null;

  constructor(
    private readonly pool: AnalysisWorkerPool,
    private readonly pixels: PixelBuffer,
  ) {}

  async setup(...[params, region]: Parameters<BandExecutor['setup']>): Promise<void> {
    await this.pool.setup(params, region);
    this.prepared = prepareKernel(params, region);
  }

  runAll(jobs: BandJob[], onJobDone: () => void): Promise<unknown[]> {
    return this.pool.runAll(jobs, onJobDone, (job) => runBandJob(this.pixels, this.prepared, job));
  }
}
