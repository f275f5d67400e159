import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ImportProblem } from '../../../shared/domain';
import { toApiError, UserError } from '../errors';
import type { StoredImage } from '../study/repositories';
import { isUniqueViolation } from '../study/sqlite-errors';
import type { OpenStudy } from '../study/study-session';
import { IMAGES_DIR } from '../study/study-files';
import { studySubfolder } from '../study/study-paths';
import { checkImageSource } from './check-source';
import { libvipsReason } from './libvips-error';
import { probeImage } from './probe';
import { removePreviews, writePreviews } from './previews';
import { commitFile, copyWithSha256 } from './stored-files';

export interface SourceFile {
  /** Where to read the bytes (an original, or a staged upload). */
  path: string;
  /** The name the user knows the file by: shown in messages and stored as the original name. */
  fileName: string;
}

export type FileOutcome =
  | { kind: 'imported'; image: StoredImage }
  | { kind: 'duplicate'; existing: StoredImage }
  | { kind: 'failed'; problem: ImportProblem };

export interface ImportSettings {
  maxImagePixels: number;
  now(): string;
}

function problemFrom(err: unknown, fileName: string): ImportProblem {
  const error = toApiError(err, `importing ${fileName}`);
  return { fileName, code: error.code, message: error.message };
}

/**
 * Import one file into a timepoint: copy it into images/ under its SHA-256 (hashing while copying),
 * recognise duplicates by that hash, probe it, decode it in full while making the previews, then
 * commit the copy and insert the record. Any failure removes every file this import made, so nothing
 * half-written is left and nothing already stored is touched.
 */
export async function importFile(
  study: OpenStudy,
  timepointId: number,
  source: SourceFile,
  settings: ImportSettings,
): Promise<FileOutcome> {
  const { fileName } = source;
  const made: string[] = [];
  let previewsOf: string | null = null;
  try {
    const container = await checkImageSource(source.path, fileName, 'import');
    const imagesDir = await studySubfolder(study.dir, IMAGES_DIR);
    const copy = await copyWithSha256(source.path, imagesDir);
    made.push(copy.tempPath);
    const existing = study.repos.images.findBySha256(copy.sha256);
    if (existing) {
      await fsp.rm(copy.tempPath, { force: true });
      return { kind: 'duplicate', existing };
    }
    const probed = await probeImage(copy.tempPath, fileName, container, settings.maxImagePixels);
    previewsOf = copy.sha256;
    const preview = await writePreviews(
      copy.tempPath,
      probed.colourFix,
      study.dir,
      copy.sha256,
      settings.maxImagePixels,
    ).catch((err: unknown) => {
      throw err instanceof UserError ? err : decodeFailure(err, fileName);
    });
    const storedName = `${copy.sha256}.${probed.extension}`;
    const storedPath = path.join(imagesDir, storedName);
    await commitFile(copy.tempPath, storedPath);
    made.push(storedPath);
    const image = insertRecord(study, {
      timepointId,
      sha256: copy.sha256,
      fileName,
      storedName,
      format: probed.format,
      width: probed.width,
      height: probed.height,
      byteSize: copy.byteSize,
      bitDepth: probed.bitDepth,
      channels: probed.channels,
      pages: probed.pages,
      umPerPx: probed.calibration?.umPerPx ?? null,
      calibrationSource: probed.calibration ? 'file' : null,
      stain: null,
      ...preview,
      colourFix: probed.colourFix,
      importedAt: settings.now(),
    });
    if ('duplicateOf' in image) {
      // Another import of the same bytes won the race: its copy and previews are the ones kept.
      made.pop();
      previewsOf = null;
      return { kind: 'duplicate', existing: image.duplicateOf };
    }
    return { kind: 'imported', image };
  } catch (err) {
    for (const file of made) await fsp.rm(file, { force: true });
    if (previewsOf) await removePreviews(study.dir, previewsOf);
    return { kind: 'failed', problem: problemFrom(err, fileName) };
  }
}

function insertRecord(
  study: OpenStudy,
  image: Parameters<OpenStudy['repos']['images']['insert']>[0],
): StoredImage | { duplicateOf: StoredImage } {
  try {
    return study.db
      .transaction(() => {
        const inserted = study.repos.images.insert(image);
        study.repos.audit.record({
          at: image.importedAt,
          kind: 'image-imported',
          entity: 'image',
          entityId: inserted.id,
          detail: { fileName: image.fileName, sha256: image.sha256, calibration: image.umPerPx },
        });
        return inserted;
      })
      .immediate();
  } catch (err) {
    const winner = isUniqueViolation(err) ? study.repos.images.findBySha256(image.sha256) : undefined;
    if (winner) return { duplicateOf: winner };
    throw err;
  }
}

/** A decoder failure during the full decode: the file is truncated or damaged. */
function decodeFailure(err: unknown, fileName: string): UserError {
  const reason = libvipsReason(err);
  if (/pixel limit/i.test(reason)) {
    return new UserError('IMAGE_TOO_LARGE', `${fileName} is over the pixel limit: import a smaller region.`, {
      file: fileName,
    });
  }
  return new UserError(
    'CORRUPT_IMAGE',
    `${fileName} could not be decoded in full (${reason}): it is probably truncated or damaged. Copy or export it again from the original and import the new copy.`,
    { file: fileName },
  );
}
