import type { AnalysisJobs } from '../analysis/analysis-jobs';
import type { EventHub } from './event-hub';
import type { StudySession } from './study-session';

/** Limits that protect the machine from files that would exhaust memory or disk. */
export interface ServiceLimits {
  /** Largest image accepted, in pixels (width x height of the full-resolution page). */
  maxImagePixels: number;
  /** Largest upload accepted by stageUpload, in bytes. */
  maxUploadBytes: number;
  /** Largest total size of the rendered viewer tiles kept in the study's cache/tiles, in bytes. */
  maxTileCacheBytes: number;
}

/**
 * What every method group of the services object shares. A group is a function of this context that
 * returns some of the Services methods; index.ts spreads the groups into one object.
 */
export interface ServiceContext {
  session: StudySession;
  events: EventHub;
  /** Running analyses by job id (one image or a whole study), for cancelAnalysis. */
  jobs: AnalysisJobs;
  limits: ServiceLimits;
  /** The clock, as an ISO-8601 UTC string (one place, so tests can fix it). */
  now(): string;
}
