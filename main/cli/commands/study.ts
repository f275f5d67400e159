import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { ImageRecord, ImportOutcome, StudyView } from '../../../shared/domain';
import { createServices, type Services } from '../../services';
import { withStudy } from '../with-study';
import { registerStudyAnalyzeCommand } from './study-analyze';
import { registerStudyAnnotationsCommand } from './study-annotations';
import { registerStudyExportCommand } from './study-export';
import { registerStudyProtocolCommand } from './study-protocol';
import { registerStudyStatsCommand } from './study-stats';
import { commandAction, type CommandOutput } from '../cli-io';
import type { RegisterCommands } from '../registry';

function parseSession(value: string): number {
  const session = Number(value);
  if (!/^\d+$/.test(value) || session > 1000) {
    throw new InvalidArgumentError('expected a whole number from 0 to 1000.');
  }
  return session;
}

function parseDate(value: string): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
  if (!valid || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError('expected a calendar date as YYYY-MM-DD.');
  }
  return value;
}

function parseUmPerPx(value: string): number {
  const umPerPx = Number(value);
  if (!Number.isFinite(umPerPx) || umPerPx <= 0 || umPerPx > 1000) {
    throw new InvalidArgumentError('expected micrometres per pixel, a number above 0 and at most 1000.');
  }
  return umPerPx;
}

function parseText(limit: number, what: string) {
  return (value: string): string => {
    const text = value.trim();
    if (text.length === 0 || text.length > limit) {
      throw new InvalidArgumentError(`expected a ${what} of 1 to ${limit} characters.`);
    }
    return text;
  };
}

const scale = (image: ImageRecord) =>
  image.umPerPx === null ? 'uncalibrated' : `${Number(image.umPerPx.toPrecision(4))} um/px`;

function describeImage(image: ImageRecord): string {
  return `${image.fileName}  ${image.width} x ${image.height} px, ${image.bitDepth}-bit, ${scale(image)}, ${image.format}`;
}

function printStudy(view: StudyView, output: CommandOutput): void {
  const { study } = view;
  output.line(
    `Study "${study.name}" in ${study.dir} (schema ${study.schemaVersion}${study.readOnly ? ', read-only' : ''})`,
  );
  if (view.subjects.length === 0) output.line('  no subjects yet');
  for (const subject of view.subjects) {
    output.line(`  ${subject.code}`);
    for (const timepoint of subject.timepoints) {
      const details = [
        timepoint.session === null ? null : `session ${timepoint.session}`,
        timepoint.date,
        `${timepoint.images.length} image${timepoint.images.length === 1 ? '' : 's'}`,
      ].filter(Boolean);
      output.line(`    ${timepoint.label} (${details.join(', ')})`);
      for (const image of timepoint.images) output.line(`      ${describeImage(image)}`);
    }
  }
}

interface AddOptions {
  subject: string;
  timepoint: string;
  session?: number;
  date?: string;
  umPerPx?: number;
}

/** Find the subject and timepoint by code and label, creating whichever is missing. */
async function ensureTimepoint(
  services: Services,
  view: StudyView,
  options: AddOptions,
  output: CommandOutput,
) {
  const sameText = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
  const subject = view.subjects.find((candidate) => sameText(candidate.code, options.subject)) ?? {
    ...(await services.addSubject({ code: options.subject })),
    timepoints: [],
  };
  const existing = subject.timepoints.find((candidate) => sameText(candidate.label, options.timepoint));
  if (existing) {
    const differs =
      (options.session !== undefined && options.session !== existing.session) ||
      (options.date !== undefined && options.date !== existing.date);
    if (differs) {
      output.note(
        `dermaquant: note: timepoint "${existing.label}" of ${subject.code} already exists with session ${existing.session ?? 'none'} and date ${existing.date ?? 'none'}; those were kept.`,
      );
    }
    return { subject, timepoint: existing };
  }
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: options.timepoint,
    session: options.session ?? null,
    date: options.date ?? null,
  });
  return { subject, timepoint };
}

async function addImages(dir: string, images: string[], options: AddOptions, output: CommandOutput) {
  await withStudy(dir, async (services, view) => {
    const { subject, timepoint } = await ensureTimepoint(services, view, options, output);
    const outcome: ImportOutcome = { imported: [], duplicates: [], failed: [] };
    const showProgress = process.stderr.isTTY && images.length > 1;
    for (const [index, image] of images.entries()) {
      if (showProgress)
        process.stderr.write(`\rimporting ${index + 1}/${images.length}: ${path.basename(image)}\x1b[K`);
      const one = await services.importFiles(timepoint.id, [{ path: image, fileName: path.basename(image) }]);
      outcome.imported.push(...one.imported);
      outcome.duplicates.push(...one.duplicates);
      outcome.failed.push(...one.failed);
    }
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (options.umPerPx !== undefined) {
      outcome.imported = await Promise.all(
        outcome.imported.map((image) =>
          services.setCalibration({ imageId: image.id, umPerPx: options.umPerPx as number, source: 'typed' }),
        ),
      );
    }
    for (const image of outcome.imported) output.line(`imported  ${describeImage(image)}`);
    for (const duplicate of outcome.duplicates) {
      output.line(
        `duplicate ${duplicate.fileName}: already in the study as ${duplicate.existing.fileName} (not copied again)`,
      );
    }
    for (const problem of outcome.failed)
      output.failLater({ code: problem.code as 'INTERNAL', message: problem.message });
    output.result({ subject: { id: subject.id, code: subject.code }, timepoint, ...outcome });
  });
}

export const registerStudyCommands: RegisterCommands = (program: Command) => {
  const study = program
    .command('study')
    .description('create a study, add images, set its protocol, analyse it, compare timepoints, export');

  study
    .command('init')
    .description('create a new study in DIR (a new or empty folder)')
    .argument('<dir>', 'folder for the study')
    .option('--name <name>', 'study name (default: the folder name)', parseText(200, 'study name'))
    .option('--json', 'print the study as JSON')
    .action(
      commandAction(async (output, dir: string, options: { name?: string }) => {
        const services = createServices({ studyDir: null });
        try {
          const view = await services.createStudyAt(dir, options.name ?? path.basename(path.resolve(dir)));
          output.line(`Created study "${view.study.name}" in ${view.study.dir}`);
          output.result(view);
        } finally {
          services.close();
        }
      }),
    );

  study
    .command('add')
    .description("import images into a subject's timepoint (both are created if missing)")
    .argument('<dir>', 'study folder')
    .argument('<image...>', 'image files (JPEG, PNG, TIFF, SVS)')
    .requiredOption('--subject <code>', 'pseudonymous subject code', parseText(64, 'subject code'))
    .requiredOption(
      '--timepoint <label>',
      'timepoint label, e.g. before or after',
      parseText(100, 'timepoint label'),
    )
    .option('--session <n>', 'treatment session number of the timepoint', parseSession)
    .option('--date <YYYY-MM-DD>', 'date of the biopsy', parseDate)
    .option('--um-per-px <x>', 'calibration in micrometres per pixel (overrides the file)', parseUmPerPx)
    .option('--json', 'print the import outcome as JSON')
    .action(
      commandAction(async (output, dir: string, images: string[], options: AddOptions) => {
        await addImages(dir, images, options, output);
      }),
    );

  study
    .command('list')
    .description('list the subjects, timepoints and images of a study')
    .argument('<dir>', 'study folder')
    .option('--json', 'print the study as JSON')
    .action(
      commandAction(async (output, dir: string) => {
        await withStudy(dir, async (_services, view) => {
          printStudy(view, output);
          output.result(view);
        });
      }),
    );

  registerStudyProtocolCommand(study);
  registerStudyAnalyzeCommand(study);
  registerStudyStatsCommand(study);
  registerStudyExportCommand(study);
  registerStudyAnnotationsCommand(study);
};
