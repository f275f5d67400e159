import packageJson from '../../package.json';
import { AnalysisJobs } from './analysis/analysis-jobs';
import { analysisMethods } from './analysis/analysis-services';
import { annotationMethods } from './annotations/annotation-methods';
import { importAnnotationMethods } from './annotations/import-annotations';
import { importMethods } from './images/import-methods';
import { tileMethods } from './images/tiles/tile-methods';
import { EventHub } from './study/event-hub';
import type { ServiceContext, ServiceLimits } from './study/service-context';
import { analyzeStudyMethods } from './study/analyze-study';
import { resultsMethods } from './study/results-methods';
import { studyMethods } from './study/study-methods';
import { StudySession } from './study/study-session';
import type { Services } from './types';

export interface ServicesOptions {
  /** The study folder (an existing study, or where `createStudy` will make one); null when none yet. */
  studyDir: string | null;
  /** Path of a better-sqlite3 native build for the running ABI (the Electron shell passes one). */
  nativeBinding?: string;
  /**
   * Largest image accepted, in pixels. The default, 10 gigapixels (e.g. 100 000 x 100 000), admits a
   * 40x whole-slide scan; previews and analysis stream tiles, so memory stays bounded.
   */
  maxImagePixels?: number;
  /** Largest staged upload, in bytes; default 20 GiB (a large whole-slide file). */
  maxUploadBytes?: number;
  /** Largest total size of cached viewer tiles per study, in bytes; default 2 GiB. */
  maxTileCacheBytes?: number;
}

export const DEFAULT_MAX_IMAGE_PIXELS = 10_000_000_000;
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 ** 3;
export const DEFAULT_MAX_TILE_CACHE_BYTES = 2 * 1024 ** 3;
export const APP_VERSION: string = packageJson.version;

/** The shared part every method group receives; exported so later groups can be composed the same way. */
export function createServiceContext(options: ServicesOptions): ServiceContext {
  const limits: ServiceLimits = {
    maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    maxTileCacheBytes: options.maxTileCacheBytes ?? DEFAULT_MAX_TILE_CACHE_BYTES,
  };
  const dbOptions = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  return {
    session: new StudySession(options.studyDir, dbOptions, APP_VERSION),
    events: new EventHub(),
    jobs: new AnalysisJobs(),
    limits,
    now: () => new Date().toISOString(),
  };
}

/**
 * The services object behind every transport (Electron IPC, the HTTP bridge, the CLI, tests): a thin
 * composition of method groups over one context. To add a group, write `fooMethods(ctx)` returning
 * some Services methods and spread it here.
 */
export function createServices(options: ServicesOptions): Services {
  const ctx = createServiceContext(options);
  const analysis = analysisMethods(ctx);
  return {
    ...studyMethods(ctx),
    ...importMethods(ctx),
    ...tileMethods(ctx),
    ...analysis,
    ...annotationMethods(ctx),
    ...importAnnotationMethods(ctx),
    ...resultsMethods(ctx),
    ...analyzeStudyMethods(ctx, analysis.analyzeImage),
    onEvent: (listener) => ctx.events.on(listener),
    close: () => ctx.session.close(),
  };
}

export type { Services } from './types';
