/**
 * The study's export files, built once for every transport: the CLI's `study export` writes them, the
 * HTTP bridge sends them as downloads, the Electron shell saves them where the user chose. The study is
 * only read.
 */
import { zipSync, strToU8 } from 'fflate';
import packageJson from '../../../package.json';
import type { ImageResult } from '../../../shared/api-study-results';
import type { StudyExportRequest } from '../../../shared/api-study-export';
import { annotationsToQuPath } from '../../../shared/formats/annotations-geojson';
import { studyCsv } from '../../../shared/formats/study-csv';
import { defaultTimepoints } from '../../../shared/reports/report-timepoints';
import { UserError } from '../errors';
import type { Services } from '../types';
import { buildStudyReport } from './build-report';

export interface ExportFile {
  /** A suggested file name (no folders). */
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** A file-name part without folder separators, control or reserved characters. */
export const safeFileNamePart = (text: string) =>
  [...text]
    .map((c) => (/[\\/:*?"<>|]/.test(c) || c.charCodeAt(0) < 0x20 ? '_' : c))
    .join('')
    .trim() || '_';

async function studyName(services: Services): Promise<string> {
  const view = await services.getStudy({});
  if (!view) throw new UserError('NO_STUDY', 'No study is open: open or create one first.');
  return view.study.name;
}

export async function studyCsvFile(
  services: Services,
): Promise<ExportFile & { images: number; unmeasured: number }> {
  const name = await studyName(services);
  const { images } = await services.listStudyResults({});
  return {
    fileName: `${safeFileNamePart(name)} results.csv`,
    contentType: 'text/csv; charset=utf-8',
    bytes: Buffer.from(studyCsv(name, images), 'utf8'),
    images: images.length,
    unmeasured: images.filter((r) => r.measurement === null).length,
  };
}

/** The two timepoints the report compares: as given, or the study's earliest and latest. */
export function reportTimepoints(
  images: readonly ImageResult[],
  request: Pick<StudyExportRequest, 'baseline' | 'followup'>,
): { baseline: string; followup: string; defaulted: boolean } {
  if (request.baseline && request.followup)
    return { baseline: request.baseline, followup: request.followup, defaulted: false };
  const found = defaultTimepoints(images);
  if (!found) {
    throw new UserError(
      'INVALID_INPUT',
      'The comparison report needs two timepoints, and the study has fewer with images: add the after images, or name the baseline and the follow-up.',
    );
  }
  return {
    baseline: request.baseline ?? found.baseline,
    followup: request.followup ?? found.followup,
    defaulted: true,
  };
}

export async function studyPdfFile(
  services: Services,
  request: Pick<StudyExportRequest, 'baseline' | 'followup' | 'measure'>,
): Promise<ExportFile & { baseline: string; followup: string; defaulted: boolean }> {
  const name = await studyName(services);
  const { images } = await services.listStudyResults({});
  const timepoints = reportTimepoints(images, request);
  const bytes = await buildStudyReport(services, {
    baseline: timepoints.baseline,
    followup: timepoints.followup,
    measure: request.measure,
    appVersion: packageJson.version,
  });
  return {
    fileName: `${safeFileNamePart(name)} report.pdf`,
    contentType: 'application/pdf',
    bytes,
    ...timepoints,
  };
}

export interface GeoJsonFile {
  fileName: string;
  text: string;
  image: string;
  features: number;
}

/** One name per image, in QuPath's habit of naming the file after the image; clashes get the hash. */
function geoJsonNames(images: ImageResult[]): string[] {
  const names = images.map((r) => {
    const stem = r.image.fileName.replace(/\.[^.]+$/, '');
    return `${safeFileNamePart(r.subject.code)}_${safeFileNamePart(r.timepoint.label)}_${safeFileNamePart(stem)}`;
  });
  return names.map((name, i) =>
    names.indexOf(name) !== names.lastIndexOf(name)
      ? `${name}_${images[i]!.image.sha256.slice(0, 12)}.geojson`
      : `${name}.geojson`,
  );
}

/** Each image's annotations as a QuPath GeoJSON document. */
export async function studyGeoJsonFiles(services: Services): Promise<GeoJsonFile[]> {
  const { images } = await services.listStudyResults({});
  const names = geoJsonNames(images);
  const classes = await services.listAnnotationClasses({});
  const files: GeoJsonFile[] = [];
  for (const [i, r] of images.entries()) {
    const { annotations } = await services.getImageAnnotations({ imageId: r.image.id });
    const collection = annotationsToQuPath(annotations, classes, r.image);
    files.push({
      fileName: names[i]!,
      text: `${JSON.stringify(collection, null, 2)}\n`,
      image: r.image.fileName,
      features: collection.features.length,
    });
  }
  return files;
}

/** A browser cannot receive a folder: the GeoJSON files go in one zip, named as they would be on disk. */
export async function studyGeoJsonZip(services: Services): Promise<ExportFile> {
  const name = await studyName(services);
  const files = await studyGeoJsonFiles(services);
  const entries = Object.fromEntries(files.map((f) => [f.fileName, strToU8(f.text)]));
  return {
    fileName: `${safeFileNamePart(name)} annotations.zip`,
    contentType: 'application/zip',
    bytes: Buffer.from(zipSync(entries, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') })),
  };
}

/** The one file a download sends (GeoJSON zipped). */
export function studyExportFile(services: Services, request: StudyExportRequest): Promise<ExportFile> {
  if (request.format === 'csv') return studyCsvFile(services);
  if (request.format === 'pdf') return studyPdfFile(services, request);
  return studyGeoJsonZip(services);
}
