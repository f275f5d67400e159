/**
 * analyzeStudy (shared/api-study-analysis.ts): the one loop that measures every image of a study with
 * its protocol, used by `dermaquant study analyze` and the app's Results screen. Each image is measured
 * by analyzeImage inside the region its stored annotations draw (regionOfStoredAnnotations, as the
 * stain panel measures it); analyzeImage adds the image's manual corrections and locks the protocol.
 */
import { randomUUID } from 'node:crypto';
import type { ApiOutput, ApiParsedInput } from '../../../shared/api';
import { manualMarks } from '../../../shared/analysis/annotation-shapes';
import type {
  StudyAnalysisOutcome,
  StudyAnalysisProgress,
  StudyImageRef,
} from '../../../shared/api-study-analysis';
import { regionOfStoredAnnotations } from '../../../shared/annotations/stored-region';
import type { ApiError } from '../../../shared/result';
import { storedAnnotationsOf } from '../annotations/annotation-methods';
import { toApiClass } from '../annotations/class-methods';
import { toApiError, UserError } from '../errors';
import type { Services } from '../types';
import { measurementIsCurrent } from './measurement-currency';
import { studyResults } from './results-methods';
import type { ServiceContext } from './service-context';
import type { OpenStudy } from './study-session';

/** Failures that concern the whole study rather than one image: no point trying the next image. */
const STUDY_WIDE = new Set<ApiError['code']>(['STUDY_READ_ONLY', 'DISK_FULL', 'NO_STUDY']);

interface PlannedImage {
  ref: StudyImageRef;
  region: ReturnType<typeof regionOfStoredAnnotations>;
  current: boolean;
}

/** Every image in study order, with the region it is measured in and whether its figure is current. */
function planOf(study: OpenStudy): PlannedImage[] {
  const classes = study.repos.annotationClasses.list().map(toApiClass);
  return studyResults(study).images.map(({ subject, timepoint, image, measurement }) => {
    const annotations = storedAnnotationsOf(study, image.id);
    const region = regionOfStoredAnnotations(annotations, classes);
    const current = measurementIsCurrent(measurement, {
      region,
      marks: manualMarks(annotations, classes),
      annotationsSavedAt: study.repos.annotations.listForImage(image.id).map((row) => row.updatedAt),
    });
    return {
      ref: { imageId: image.id, subject: subject.code, timepoint: timepoint.label, fileName: image.fileName },
      region,
      current,
    };
  });
}

export function analyzeStudyMethods(
  ctx: ServiceContext,
  analyzeImage: Services['analyzeImage'],
): Pick<Services, 'analyzeStudy'> {
  return {
    async analyzeStudy(input: ApiParsedInput<'analyzeStudy'>): Promise<ApiOutput<'analyzeStudy'>> {
      const jobId = input.jobId ?? randomUUID();
      const signal = ctx.jobs.start(jobId);
      // The image being measured has a job of its own; a cancel of the study job stops it too.
      let imageJob: string | null = null;
      const stopImage = () => imageJob !== null && ctx.jobs.cancel(imageJob);
      signal.addEventListener('abort', stopImage);
      try {
        const study = await ctx.session.requireWritable();
        if (!study.repos.protocol.get()) {
          throw new UserError(
            'INVALID_INPUT',
            'The study has no analysis protocol yet: set one first (the Results screen, or dermaquant study protocol), then analyse.',
          );
        }
        const plan = planOf(study);
        const outcome: StudyAnalysisOutcome = {
          jobId,
          total: plan.length,
          measured: [],
          skipped: [],
          failed: [],
          cancelled: false,
        };
        const done = () => outcome.measured.length + outcome.skipped.length + outcome.failed.length;
        const progress = (
          image: StudyImageRef,
          step: StudyAnalysisProgress['step'],
          error?: StudyAnalysisProgress['error'],
        ) =>
          ctx.events.emit('study-analysis-progress', {
            jobId,
            done: done(),
            total: plan.length,
            image,
            step,
            ...(error ? { error } : {}),
          });

        for (const [index, { ref, region, current }] of plan.entries()) {
          if (signal.aborted) break;
          if (current && !input.redo) {
            outcome.skipped.push(ref);
            progress(ref, 'skipped');
            continue;
          }
          progress(ref, 'measuring');
          // A listener of the event may have cancelled already.
          if (signal.aborted) break;
          imageJob = `${jobId.slice(0, 50)}-img${index}`;
          try {
            // No protocol given: analyzeImage uses (and locks) the study's protocol.
            const measurement = await analyzeImage({ imageId: ref.imageId, region, jobId: imageJob });
            outcome.measured.push({ ...ref, measurement });
            progress(ref, 'measured');
          } catch (err) {
            const error = toApiError(err, 'the analysis');
            if (STUDY_WIDE.has(error.code)) throw err;
            // The image stopped by the cancel is neither measured nor failed.
            if (signal.aborted && error.code === 'CANCELLED') break;
            const failure = { code: error.code, message: error.message };
            outcome.failed.push({ ...ref, error: failure });
            progress(ref, 'failed', failure);
          } finally {
            imageJob = null;
          }
        }
        outcome.cancelled = signal.aborted;
        return outcome;
      } finally {
        signal.removeEventListener('abort', stopImage);
        ctx.jobs.finish(jobId);
      }
    },
  };
}
