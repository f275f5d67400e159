/**
 * `dermaquant study annotations DIR --image FILE_NAME_OR_ID --import FILE [--class NAME] [--json]`:
 * adds the areas of a QuPath GeoJSON, ImageJ .roi or RoiSet .zip file to one image's annotations,
 * through the same service method as the editor's "Import annotations…" (importAnnotations).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { AnnotationImportReport } from '../../../shared/api-annotation-import';
import type { ImageRecord, StudyView } from '../../../shared/domain';
import { MAX_ANNOTATION_FILE_BYTES } from '../../../shared/formats/annotation-file';
import type { Services } from '../../services';
import { UserError } from '../../services/errors';
import { commandAction, type CommandOutput } from '../cli-io';
import { withStudy } from '../with-study';

interface AnnotationsOptions {
  image: string;
  import: string;
  class?: string;
}

/** The image by id, or by file name (exactly, else ignoring case) when that names one image only. */
function findImage(view: StudyView, wanted: string): ImageRecord {
  const images = view.subjects.flatMap((s) => s.timepoints.flatMap((t) => t.images));
  const byId = /^\d+$/.test(wanted) ? images.find((i) => i.id === Number(wanted)) : undefined;
  if (byId) return byId;
  const exact = images.filter((i) => i.fileName === wanted);
  const matches =
    exact.length > 0 ? exact : images.filter((i) => i.fileName.toLowerCase() === wanted.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UserError(
      'CONFLICT',
      `${matches.length} images of the study are named ${wanted} (ids ${matches.map((i) => i.id).join(', ')}): give --image the id.`,
    );
  }
  throw new UserError(
    'NOT_FOUND',
    `No image of the study is named ${wanted} or has that id: see dermaquant study list ${view.study.dir}.`,
  );
}

async function findClassId(services: Services, name: string): Promise<number> {
  const classes = await services.listAnnotationClasses({});
  const found = classes.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
  if (found) return found.id;
  throw new UserError(
    'NOT_FOUND',
    `The study has no class named "${name}"; its classes are ${classes.map((c) => `"${c.name}"`).join(', ')}.`,
  );
}

function printReport(report: AnnotationImportReport, image: ImageRecord, output: CommandOutput): void {
  const n = report.imported.length;
  output.line(`imported ${n} shape${n === 1 ? '' : 's'} from ${report.fileName} into ${image.fileName}`);
  for (const shape of report.imported) {
    const clipped = shape.adjusted ? ' (clipped to the image or split)' : '';
    output.line(`  ${shape.className}${shape.name ? `: ${shape.name}` : ''}${clipped}`);
  }
  for (const cls of report.createdClasses) output.line(`new class "${cls.name}" (${cls.colour})`);
  for (const skip of report.skipped) {
    output.line(`skipped ${skip.source}${skip.name ? ` (${skip.name})` : ''}: ${skip.reason}`);
  }
  for (const warning of report.warnings) output.note(`dermaquant: warning: ${warning}`);
}

async function importInto(
  services: Services,
  view: StudyView,
  options: AnnotationsOptions,
  output: CommandOutput,
) {
  const image = findImage(view, options.image);
  const classId = options.class === undefined ? undefined : await findClassId(services, options.class);
  const file = path.resolve(options.import);
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat?.isFile()) throw new UserError('FILE_NOT_FOUND', `${file} does not exist or is not a file.`);
  // Refused before it is copied into the study: no annotation file is this large.
  if (stat.size > MAX_ANNOTATION_FILE_BYTES) {
    throw new UserError(
      'INVALID_INPUT',
      `${file} is larger than ${MAX_ANNOTATION_FILE_BYTES / 1024 ** 2} MB, more than an annotation file holds.`,
    );
  }
  const upload = await services.stageUpload(fs.createReadStream(file), path.basename(file));
  const report = await services.importAnnotations({ imageId: image.id, upload, classId });
  printReport(report, image, output);
  output.result({ image: { id: image.id, fileName: image.fileName }, ...report });
}

export function registerStudyAnnotationsCommand(study: Command): void {
  study
    .command('annotations')
    .description(
      "import annotations drawn in QuPath (GeoJSON) or ImageJ/Fiji (.roi, RoiSet .zip) into an image's annotations",
    )
    .argument('<dir>', 'study folder')
    .requiredOption('--image <name-or-id>', 'the image: its file name in the study, or its id')
    .requiredOption('--import <file>', 'a QuPath GeoJSON export, an ImageJ .roi or a RoiSet .zip')
    .option(
      '--class <name>',
      'put every shape in this class (default: by QuPath classification name; unclassified shapes go to the region of interest)',
    )
    .option('--json', 'print the import report as JSON')
    .action(
      commandAction(async (output, dir: string, options: AnnotationsOptions) => {
        await withStudy(dir, (services, view) => importInto(services, view, options, output));
      }),
    );
}
