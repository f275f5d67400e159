/**
 * `dermaquant study analyze DIR [--redo] [--json]` (CLI.md): every image of the study measured with the
 * study's protocol by services.analyzeStudy (the loop the app's Results screen runs too), inside the
 * image's drawn regions of interest minus exclusions, with its manual corrections. Progress comes from
 * the service's 'study-analysis-progress' events; Ctrl+C cancels after the image being measured stops.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { MeasurementRecord } from '../../../shared/analysis/api-schemas';
import type { StudyAnalysisProgress, StudyImageRef } from '../../../shared/api-study-analysis';
import type { StudyView } from '../../../shared/domain';
import type { Services } from '../../services';
import { UserError } from '../../services/errors';
import { commandAction, type CommandOutput } from '../cli-io';
import { withStudy } from '../with-study';

const where = (image: StudyImageRef) => `${image.subject} / ${image.timepoint} / ${image.fileName}`;

const percent = (fraction: number | null) =>
  fraction === null ? 'fraction undefined' : `${(fraction * 100).toFixed(2)} %`;

function reportMeasured(image: StudyImageRef, record: MeasurementRecord, output: CommandOutput): void {
  const m = record.measurement;
  const um2 = m.stainedAreaUm2 === null ? '' : ` (${m.stainedAreaUm2.toFixed(1)} um2)`;
  output.line(
    `${where(image)}: stained ${m.stainedAreaPx} of ${m.analyzedAreaPx} px${um2}, ${percent(m.stainedFraction)}`,
  );
  if (m.stainedFraction === null) {
    output.note(`dermaquant: warning: ${image.fileName}: ${m.stainedFractionReason}.`);
  }
}

/** Each step as it happens: the image starting on stderr, a failure as a message (exit 1 at the end). */
function reportProgress(event: StudyAnalysisProgress, output: CommandOutput): void {
  if (event.step === 'measuring')
    output.note(`analysing ${event.done + 1}/${event.total}: ${where(event.image)}`);
  if (event.step === 'skipped')
    output.note(
      `skipped ${event.done}/${event.total}: ${where(event.image)} (measured with the current protocol; --redo measures it again)`,
    );
  if (event.step === 'failed' && event.error) {
    output.failLater({ ...event.error, message: `${where(event.image)}: ${event.error.message}` });
  }
}

async function analyzeStudy(
  services: Services,
  view: StudyView,
  redo: boolean,
  output: CommandOutput,
): Promise<void> {
  const { protocol } = await services.getAnalysisProtocol({});
  if (!protocol) {
    throw new UserError(
      'INVALID_INPUT',
      `The study in ${view.study.dir} has no analysis protocol yet: set one with dermaquant study protocol DIR [analysis options], then analyse.`,
    );
  }
  const jobId = randomUUID();
  const unsubscribe = services.onEvent((name, payload) => {
    if (name !== 'study-analysis-progress') return;
    const event = payload as StudyAnalysisProgress;
    if (event.jobId === jobId) reportProgress(event, output);
  });
  const cancel = () => {
    output.note(
      'dermaquant: cancelling after the image being measured stops (Ctrl+C again to quit at once)…',
    );
    void services.cancelAnalysis({ jobId });
  };
  process.once('SIGINT', cancel);
  try {
    const outcome = await services.analyzeStudy({ jobId, redo });
    if (outcome.total === 0) output.note('dermaquant: the study has no images yet: nothing to analyse.');
    for (const { measurement, ...image } of outcome.measured) reportMeasured(image, measurement, output);
    const counts = [
      `${outcome.measured.length} image${outcome.measured.length === 1 ? '' : 's'} measured`,
      outcome.skipped.length > 0 ? `${outcome.skipped.length} already current` : '',
      outcome.failed.length > 0 ? `${outcome.failed.length} failed` : '',
    ].filter(Boolean);
    output.line(`${counts.join(', ')}.`);
    if (outcome.cancelled) {
      output.failLater({
        code: 'CANCELLED',
        message: `cancelled: ${outcome.total - outcome.measured.length - outcome.skipped.length - outcome.failed.length} images were not analysed.`,
      });
    }
    output.result({
      measured: outcome.measured,
      skipped: outcome.skipped,
      failed: outcome.failed,
      cancelled: outcome.cancelled,
    });
  } finally {
    process.off('SIGINT', cancel);
    unsubscribe();
  }
}

export function registerStudyAnalyzeCommand(study: Command): void {
  study
    .command('analyze')
    .description("measure every image of the study with the study's protocol (and store the results)")
    .argument('<dir>', 'study folder')
    .option('--redo', 'measure again the images already measured with the current protocol')
    .option('--json', 'print every result as JSON')
    .action(
      commandAction(async (output, dir: string, options: { redo?: boolean }) => {
        await withStudy(dir, (services, view) => analyzeStudy(services, view, Boolean(options.redo), output));
      }),
    );
}
