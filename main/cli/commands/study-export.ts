/**
 * `dermaquant study export DIR (--csv FILE | --pdf FILE | --geojson DIR) [--force] [--json]` (CLI.md):
 * the study's results as CSV, the comparison report as PDF, and each image's annotations as a QuPath
 * GeoJSON file. The study is only read.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import packageJson from '../../../package.json';
import { defaultTimepoints } from '../../../shared/reports/report-timepoints';
import type { CohortMeasure } from '../../../shared/stats/cohort';
import { buildStudyReport } from '../../services/reports/build-report';
import type { ImageResult } from '../../../shared/api-study-results';
import { annotationsToQuPath } from '../../../shared/formats/annotations-geojson';
import { studyCsv } from '../../../shared/formats/study-csv';
import type { Services } from '../../services';
import { commandAction, UsageError, type CommandOutput } from '../cli-io';
import { checkExportTarget, writeExportFile } from '../export-files';
import { withStudy } from '../with-study';
import { UserError } from '../../services/errors';
import fs from 'node:fs/promises';

interface ExportOptions {
  csv?: string;
  pdf?: string;
  geojson?: string;
  baseline?: string;
  followup?: string;
  measure: CohortMeasure;
  force?: boolean;
}

/** A file-name part without folder separators, control or reserved characters. */
const safePart = (text: string) =>
  [...text]
    .map((c) => (/[\\/:*?"<>|]/.test(c) || c.charCodeAt(0) < 0x20 ? '_' : c))
    .join('')
    .trim() || '_';

/** One name per image, in QuPath's habit of naming the file after the image; clashes get the hash. */
function geoJsonNames(images: ImageResult[]): string[] {
  const names = images.map((r) => {
    const stem = r.image.fileName.replace(/\.[^.]+$/, '');
    return `${safePart(r.subject.code)}_${safePart(r.timepoint.label)}_${safePart(stem)}`;
  });
  return names.map((name, i) =>
    names.indexOf(name) !== names.lastIndexOf(name)
      ? `${name}_${images[i]!.image.sha256.slice(0, 12)}.geojson`
      : `${name}.geojson`,
  );
}

async function exportGeoJson(services: Services, images: ImageResult[], dir: string, force: boolean) {
  await fs.mkdir(dir, { recursive: true });
  const files = geoJsonNames(images).map((name) => path.join(path.resolve(dir), name));
  // Every target is checked before the first is written: a refusal leaves nothing half exported.
  for (const file of files) await checkExportTarget(file, force);
  const classes = await services.listAnnotationClasses({});
  const written: { file: string; image: string; features: number }[] = [];
  for (const [i, r] of images.entries()) {
    const { annotations } = await services.getImageAnnotations({ imageId: r.image.id });
    const collection = annotationsToQuPath(annotations, classes, r.image);
    await writeExportFile(files[i]!, `${JSON.stringify(collection, null, 2)}\n`, force);
    written.push({ file: files[i]!, image: r.image.fileName, features: collection.features.length });
  }
  return written;
}

/** The two timepoints the report compares: as given, or the study's earliest and latest. */
function reportTimepoints(images: ImageResult[], options: ExportOptions, output: CommandOutput) {
  if (options.baseline && options.followup) return { baseline: options.baseline, followup: options.followup };
  const found = defaultTimepoints(images);
  if (!found) {
    throw new UserError(
      'INVALID_INPUT',
      'The comparison report needs two timepoints, and the study has fewer with images: add the after images (dermaquant study add), or name them with --baseline and --followup.',
    );
  }
  const chosen = {
    baseline: options.baseline ?? found.baseline,
    followup: options.followup ?? found.followup,
  };
  output.note(
    `dermaquant: note: the report compares "${chosen.followup}" with "${chosen.baseline}" (choose with --baseline and --followup).`,
  );
  return chosen;
}

async function exportPdf(
  services: Services,
  images: ImageResult[],
  options: ExportOptions,
  output: CommandOutput,
) {
  const file = path.resolve(options.pdf!);
  // Refused before the report is built: a name taken, or a missing folder, costs no work.
  await checkExportTarget(file, Boolean(options.force));
  const timepoints = reportTimepoints(images, options, output);
  const pdf = await buildStudyReport(services, {
    ...timepoints,
    measure: options.measure,
    appVersion: packageJson.version,
  });
  await writeExportFile(file, pdf, Boolean(options.force));
  output.line(`wrote ${file} (comparison report, ${timepoints.followup} against ${timepoints.baseline})`);
  return { file, ...timepoints, measure: options.measure, bytes: pdf.length };
}

async function exportStudy(services: Services, options: ExportOptions, output: CommandOutput) {
  const view = await services.getStudy({});
  const results = await services.listStudyResults({});
  const unmeasured = results.images.filter((r) => r.measurement === null).length;
  const summary: { csv?: { file: string; images: number }; pdf?: object; geojson?: object[] } = {};
  if (options.csv) {
    const file = path.resolve(options.csv);
    await writeExportFile(file, studyCsv(view!.study.name, results.images), Boolean(options.force));
    if (unmeasured > 0) {
      output.note(
        `dermaquant: note: ${unmeasured} image${unmeasured === 1 ? ' has' : 's have'} no measurement with the current study protocol: their measures are empty (run dermaquant study analyze).`,
      );
    }
    output.line(`wrote ${file} (${results.images.length} images)`);
    summary.csv = { file, images: results.images.length };
  }
  if (options.pdf) summary.pdf = await exportPdf(services, results.images, options, output);
  if (options.geojson) {
    const written = await exportGeoJson(services, results.images, options.geojson, Boolean(options.force));
    for (const w of written) output.line(`wrote ${w.file} (${w.features} annotations)`);
    summary.geojson = written;
  }
  output.result(summary);
}

export function registerStudyExportCommand(study: Command): void {
  study
    .command('export')
    .description(
      "export the study's results as CSV, the comparison report as PDF, or each image's annotations as QuPath GeoJSON",
    )
    .argument('<dir>', 'study folder')
    .option('--csv <file>', 'one row per image and per pooled timepoint, with every measure')
    .option('--pdf <file>', 'the comparison report: protocol, each subject before/after, cohort statistics')
    .option('--baseline <label>', "the report's before timepoint (default: the earliest session)")
    .option('--followup <label>', "the report's after timepoint (default: the latest session)")
    .addOption(
      new Option(
        '--measure <measure>',
        "the report's cohort statistics on the stained fraction or area (um2)",
      )
        .choices(['fraction', 'area'])
        .default('fraction'),
    )
    .option('--geojson <dir>', 'one QuPath GeoJSON file per image in this folder (created if missing)')
    .option('--force', 'replace files that already exist')
    .option('--json', 'print what was written as JSON')
    .action(
      commandAction(async (output, dir: string, options: ExportOptions) => {
        if (!options.csv && !options.pdf && !options.geojson)
          throw new UsageError('give --csv FILE, --pdf FILE or --geojson DIR (or several).');
        await withStudy(dir, (services) => exportStudy(services, options, output));
      }),
    );
}
