import { UserError } from '../errors';

/**
 * The analyses running now, by job id, so `cancelAnalysis` can stop any of them: one image's analysis
 * (analyzeImage) or a whole study's (analyzeStudy). Shared by the method groups through the context.
 */
export class AnalysisJobs {
  private readonly running = new Map<string, AbortController>();

  /** Register a job before any await, so a cancel sent right after the call finds it. */
  start(jobId: string): AbortSignal {
    if (this.running.has(jobId))
      throw new UserError('CONFLICT', `An analysis with job id ${jobId} is already running.`);
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return controller.signal;
  }

  finish(jobId: string): void {
    this.running.delete(jobId);
  }

  /** Whether such a job was running (and is now told to stop). */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return Boolean(controller);
  }
}
