/**
 * API methods of a study's results: the measurement of every image made with the study's protocol, the
 * paired statistics between two timepoints and the series across three or more (`dermaquant study
 * stats`, CLI.md). Spread into
 * `apiSchema` in shared/api.ts.
 */
import { z } from 'zod';
import { ImageRecord, Subject, Timepoint } from './domain';
import { MeasurementRecord, StudyProtocol } from './analysis/api-schemas';
import type { CohortStats } from './stats/cohort';
import type { SeriesStats } from './stats/series';

const TimepointLabel = z.string().trim().min(1, 'a timepoint label cannot be empty').max(100);

export const ImageResult = z.object({
  subject: Subject,
  timepoint: Timepoint,
  image: ImageRecord,
  /** The image's latest measurement made with the current study protocol; null when there is none. */
  measurement: MeasurementRecord.nullable(),
});
export type ImageResult = z.infer<typeof ImageResult>;

export const StudyResults = z.object({
  protocol: StudyProtocol,
  /** Every image of the study, by subject code, timepoint (session, label) and file name. */
  images: z.array(ImageResult),
});
export type StudyResults = z.infer<typeof StudyResults>;

export const studyResultsApi = {
  /** Every image of the study with its latest measurement made with the current study protocol. */
  listStudyResults: { input: z.object({}), output: StudyResults },
  /**
   * Pairs each subject's `baseline` timepoint with its `followup` (several images of a timepoint are
   * pooled) and compares the pairs. Refused when a label names no timepoint, when an image of those
   * timepoints has no measurement with the current protocol, when `measure` is area and an image is
   * uncalibrated, or when no subject has both timepoints.
   */
  getStudyStats: {
    input: z.object({
      baseline: TimepointLabel,
      followup: TimepointLabel,
      measure: z.enum(['fraction', 'area']).default('fraction'),
    }),
    output: z.custom<CohortStats>(),
  },
  /**
   * The measure across three or more timepoints (`study stats --timepoints`): each subject's series,
   * per-timepoint summaries and the Friedman test over the subjects measured at every one. `timepoints`
   * defaults to every label, ordered by session. Refused when fewer than 3 labels are chosen, a label is
   * repeated or names no timepoint, an image of those timepoints has no measurement with the current
   * protocol, or `measure` is area and an image is uncalibrated.
   */
  getStudySeries: {
    input: z.object({
      timepoints: z.array(TimepointLabel).max(100).optional(),
      measure: z.enum(['fraction', 'area']).default('fraction'),
    }),
    output: z.custom<SeriesStats>(),
  },
} as const;
