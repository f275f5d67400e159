/**
 * Analysing a whole study (`dermaquant study analyze`, the Results screen's "Analyse all"): every image
 * measured with the study's protocol inside its stored region of interest minus exclusions, with its
 * manual corrections. Spread into `apiSchema` in shared/api.ts; progress arrives as
 * 'study-analysis-progress' events, and `cancelAnalysis` with the same job id stops the run.
 */
import { z } from 'zod';
import { Id } from './domain';
import { JobId, MeasurementRecord } from './analysis/api-schemas';
import { ERROR_CODES } from './result';

/** Where an image sits in the study, as messages and tables name it. */
export const StudyImageRef = z.object({
  imageId: Id,
  subject: z.string(),
  timepoint: z.string(),
  fileName: z.string(),
});
export type StudyImageRef = z.infer<typeof StudyImageRef>;

const ImageError = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

export const StudyAnalysisOutcome = z.object({
  jobId: z.string(),
  /** Images in the study when the run started. */
  total: z.number().int().min(0),
  measured: z.array(StudyImageRef.extend({ measurement: MeasurementRecord })),
  /** Already measured with the current protocol revision and unchanged annotations (without `redo`). */
  skipped: z.array(StudyImageRef),
  failed: z.array(StudyImageRef.extend({ error: ImageError })),
  /** Stopped by cancelAnalysis: the images after the one running then were not tried. */
  cancelled: z.boolean(),
});
export type StudyAnalysisOutcome = z.infer<typeof StudyAnalysisOutcome>;

/** One step of a study's analysis, pushed as the 'study-analysis-progress' event. */
export interface StudyAnalysisProgress {
  jobId: string;
  /** Images finished (measured, skipped or failed) so far. */
  done: number;
  total: number;
  image: StudyImageRef;
  /** 'measuring' when the image starts; then what became of it. */
  step: 'measuring' | 'measured' | 'skipped' | 'failed';
  /** Why it failed, for step 'failed'. */
  error?: z.infer<typeof ImageError>;
}

export const studyAnalysisApi = {
  /**
   * Measure every image of the study with its protocol (which the first measurement locks). Images
   * whose measurement is current are skipped unless `redo`; an image that fails is reported and the
   * others go on; a failure of the whole study (read-only, disk full) stops the run with that error.
   * Refused (INVALID_INPUT) when the study has no protocol.
   */
  analyzeStudy: {
    input: z.object({ jobId: JobId.optional(), redo: z.boolean().default(false) }),
    output: StudyAnalysisOutcome,
  },
} as const;
