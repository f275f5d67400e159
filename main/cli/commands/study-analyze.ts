/**
 * `dermaquant study analyze DIR [--json]` (CLI.md): every image of the study measured with the study's
 * protocol through services.analyzeImage (stored, and locking the protocol), inside the image's drawn
 * regions of interest minus exclusions, with its manual corrections, as the app measures it.
 */
import type { Command } from 'commander';
import type { MeasurementRecord } from '../../../shared/analysis/api-schemas';
import { regionOfStoredAnnotations } from '../../../shared/annotations/stored-region';
import type { ImageRecord, StudyView } from '../../../shared/domain';
import type { ApiError } from '../../../shared/result';
import type { Services } from '../../services';
import { toApiError, UserError } from '../../services/errors';
import { commandAction, type CommandOutput } from '../cli-io';
import { withStudy } from '../with-study';

interface StudyImage {
  subject: string;
  timepoint: string;
  image: ImageRecord;
}

/** Failures that concern the whole study rather than one image: no point trying the next image. */
const STUDY_WIDE = new Set<ApiError['code']>(['STUDY_READ_ONLY', 'DISK_FULL', 'NO_STUDY']);

const imagesOf = (view: StudyView): StudyImage[] =>
  view.subjects.flatMap((s) =>
    s.timepoints.flatMap((t) => t.images.map((image) => ({ subject: s.code, timepoint: t.label, image }))),
  );

const where = (item: StudyImage) => `${item.subject} / ${item.timepoint} / ${item.image.fileName}`;

const percent = (fraction: number | null) =>
  fraction === null ? 'fraction undefined' : `${(fraction * 100).toFixed(2)} %`;

async function analyzeOne(services: Services, item: StudyImage): Promise<MeasurementRecord> {
  const [annotations, classes] = await Promise.all([
    services.getImageAnnotations({ imageId: item.image.id }),
    services.listAnnotationClasses({}),
  ]);
  // No protocol given: analyzeImage uses (and locks) the study's protocol.
  return services.analyzeImage({
    imageId: item.image.id,
    region: regionOfStoredAnnotations(annotations.annotations, classes),
  });
}

function reportMeasured(item: StudyImage, record: MeasurementRecord, output: CommandOutput): void {
  const m = record.measurement;
  const um2 = m.stainedAreaUm2 === null ? '' : ` (${m.stainedAreaUm2.toFixed(1)} um2)`;
  output.line(
    `${where(item)}: stained ${m.stainedAreaPx} of ${m.analyzedAreaPx} px${um2}, ${percent(m.stainedFraction)}`,
  );
  if (m.stainedFraction === null) {
    output.note(`dermaquant: warning: ${item.image.fileName}: ${m.stainedFractionReason}.`);
  }
}

async function analyzeStudy(services: Services, view: StudyView, output: CommandOutput): Promise<void> {
  const { protocol } = await services.getAnalysisProtocol({});
  if (!protocol) {
    throw new UserError(
      'INVALID_INPUT',
      `The study in ${view.study.dir} has no analysis protocol yet: set one with dermaquant study protocol DIR [analysis options], then analyse.`,
    );
  }
  const items = imagesOf(view);
  if (items.length === 0) output.note('dermaquant: the study has no images yet: nothing to analyse.');
  const measured: { subject: string; timepoint: string; fileName: string; measurement: MeasurementRecord }[] =
    [];
  const failed: { subject: string; timepoint: string; fileName: string; error: ApiError }[] = [];
  for (const [index, item] of items.entries()) {
    output.note(`analysing ${index + 1}/${items.length}: ${where(item)}`);
    const base = { subject: item.subject, timepoint: item.timepoint, fileName: item.image.fileName };
    try {
      const record = await analyzeOne(services, item);
      measured.push({ ...base, measurement: record });
      reportMeasured(item, record, output);
    } catch (err) {
      const error = toApiError(err, 'the analysis');
      if (STUDY_WIDE.has(error.code)) throw err;
      failed.push({ ...base, error });
      output.failLater({ ...error, message: `${where(item)}: ${error.message}` });
    }
  }
  output.line(
    `${measured.length} image${measured.length === 1 ? '' : 's'} measured${failed.length > 0 ? `, ${failed.length} failed` : ''}.`,
  );
  output.result({ measured, failed });
}

export function registerStudyAnalyzeCommand(study: Command): void {
  study
    .command('analyze')
    .description("measure every image of the study with the study's protocol (and store the results)")
    .argument('<dir>', 'study folder')
    .option('--json', 'print every result as JSON')
    .action(
      commandAction(async (output, dir: string) => {
        await withStudy(dir, (services, view) => analyzeStudy(services, view, output));
      }),
    );
}
