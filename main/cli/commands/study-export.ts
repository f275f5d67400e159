/**
 * `dermaquant study export DIR (--csv FILE | --pdf FILE | --geojson DIR) [--force] [--json]` (CLI.md):
 * the study's results as CSV, the comparison report as PDF, and each image's annotations as a QuPath
 * GeoJSON file. The files are built by main/services/reports/study-exports.ts (as the app's downloads
 * are); this command writes them. The study is only read.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { CohortMeasure } from '../../../shared/stats/cohort';
import type { Services } from '../../services';
import { studyCsvFile, studyGeoJsonFiles, studyPdfFile } from '../../services/reports/study-exports';
import { commandAction, UsageError, type CommandOutput } from '../cli-io';
import { checkExportTarget, writeExportFile } from '../export-files';
import { withStudy } from '../with-study';

interface ExportOptions {
  csv?: string;
  pdf?: string;
  geojson?: string;
  baseline?: string;
  followup?: string;
  measure: CohortMeasure;
  force?: boolean;
}

async function exportGeoJson(services: Services, dir: string, force: boolean) {
  const files = await studyGeoJsonFiles(services);
  await fs.mkdir(dir, { recursive: true });
  const targets = files.map((f) => path.join(path.resolve(dir), f.fileName));
  // Every target is checked before the first is written: a refusal leaves nothing half exported.
  for (const file of targets) await checkExportTarget(file, force);
  const written: { file: string; image: string; features: number }[] = [];
  for (const [i, f] of files.entries()) {
    await writeExportFile(targets[i]!, f.text, force);
    written.push({ file: targets[i]!, image: f.image, features: f.features });
  }
  return written;
}

async function exportPdf(services: Services, options: ExportOptions, output: CommandOutput) {
  const file = path.resolve(options.pdf!);
  // Refused before the report is built: a name taken, or a missing folder, costs no work.
  await checkExportTarget(file, Boolean(options.force));
  const pdf = await studyPdfFile(services, options);
  if (pdf.defaulted) {
    output.note(
      `dermaquant: note: the report compares "${pdf.followup}" with "${pdf.baseline}" (choose with --baseline and --followup).`,
    );
  }
  await writeExportFile(file, pdf.bytes, Boolean(options.force));
  output.line(`wrote ${file} (comparison report, ${pdf.followup} against ${pdf.baseline})`);
  return {
    file,
    baseline: pdf.baseline,
    followup: pdf.followup,
    measure: options.measure,
    bytes: pdf.bytes.length,
  };
}

async function exportStudy(services: Services, options: ExportOptions, output: CommandOutput) {
  const summary: { csv?: { file: string; images: number }; pdf?: object; geojson?: object[] } = {};
  if (options.csv) {
    const file = path.resolve(options.csv);
    const csv = await studyCsvFile(services);
    await writeExportFile(file, csv.bytes, Boolean(options.force));
    if (csv.unmeasured > 0) {
      output.note(
        `dermaquant: note: ${csv.unmeasured} image${csv.unmeasured === 1 ? ' has' : 's have'} no measurement with the current study protocol: their measures are empty (run dermaquant study analyze).`,
      );
    }
    output.line(`wrote ${file} (${csv.images} images)`);
    summary.csv = { file, images: csv.images };
  }
  if (options.pdf) summary.pdf = await exportPdf(services, options, output);
  if (options.geojson) {
    const written = await exportGeoJson(services, options.geojson, Boolean(options.force));
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
