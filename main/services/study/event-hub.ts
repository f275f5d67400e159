import type { EventName, EventPayloads } from '../../../shared/api';
import type { EventListener } from '../types';

/** At most one progress event per job in this many ms (about 10 a second): enough for a progress bar. */
export const PROGRESS_INTERVAL_MS = 100;
/** A job silent this long is over (finished without a final event, cancelled or failed): forget it. */
const FORGET_JOB_AFTER_MS = 60_000;

/**
 * Fan-out of service events to the transports; a failing listener never breaks the service call.
 * Analysis progress is thinned out here, once for every transport: a fast analysis reports each band,
 * hundreds a second, which would flood IPC, the event streams and the renderer for nothing.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  /** When each running job's last progress event went out. */
  private readonly lastProgress = new Map<string, number>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    if (name === 'analysis-progress' && !this.progressDue(payload as EventPayloads['analysis-progress'])) {
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch (err) {
        console.error(`[dermaquant] a listener for ${name} failed:`, err);
      }
    }
  }

  /** The first and the last (done = total) event of a job always go out; between them, one per interval. */
  private progressDue({ jobId, done, total }: EventPayloads['analysis-progress']): boolean {
    const now = this.clock();
    for (const [job, at] of this.lastProgress) {
      if (now - at > FORGET_JOB_AFTER_MS) this.lastProgress.delete(job);
    }
    if (done >= total) {
      this.lastProgress.delete(jobId);
      return true;
    }
    const last = this.lastProgress.get(jobId);
    if (last !== undefined && now - last < PROGRESS_INTERVAL_MS) return false;
    this.lastProgress.set(jobId, now);
    return true;
  }
}
