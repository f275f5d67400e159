import { UserError } from '../../errors';

interface Job<T> {
  key: string;
  /** Callers still waiting; a job nobody waits for any more is dropped before it starts. */
  waiting: number;
  started: boolean;
  settle: Promise<T>;
  start: () => void;
}

const cancelled = () => new UserError('CANCELLED', 'The tile request was cancelled.');

/**
 * At most `limit` tile renders at a time, in arrival order. Each render holds a libvips pipeline with
 * its own buffers and threads, so a burst of requests (a fast pan over a whole slide) must queue rather
 * than decode all at once. Requests for the same key share one render; a request whose signal aborts
 * (the viewer moved on) leaves the queue, and a job nobody waits for any more is never started.
 */
export class RenderQueue<T> {
  private running = 0;
  private readonly queued: Job<T>[] = [];
  private readonly jobs = new Map<string, Job<T>>();

  constructor(private readonly limit: number) {}

  /** Renders running now (for tests and diagnostics). */
  get active(): number {
    return this.running;
  }

  run(key: string, render: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelled());
    const job = this.jobs.get(key) ?? this.enqueue(key, render);
    job.waiting += 1;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        job.waiting -= 1;
        if (!job.started && job.waiting === 0) this.drop(job);
        reject(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      job.settle.then(
        (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
      this.pump();
    });
  }

  private enqueue(key: string, render: () => Promise<T>): Job<T> {
    let start = () => undefined as void;
    const settle = new Promise<T>((resolve, reject) => {
      start = () => render().then(resolve, reject);
    });
    settle.catch(() => undefined); // a dropped or failed job must not be an unhandled rejection
    const job: Job<T> = { key, waiting: 0, started: false, settle, start };
    this.jobs.set(key, job);
    this.queued.push(job);
    return job;
  }

  private drop(job: Job<T>): void {
    this.jobs.delete(job.key);
    const index = this.queued.indexOf(job);
    if (index >= 0) this.queued.splice(index, 1);
  }

  private pump(): void {
    while (this.running < this.limit && this.queued.length > 0) {
      const job = this.queued.shift()!;
      job.started = true;
      this.running += 1;
      job.start();
      void job.settle
        .catch(() => undefined)
        .finally(() => {
          this.running -= 1;
          this.jobs.delete(job.key);
          this.pump();
        });
    }
  }
}
