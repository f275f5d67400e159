import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ImageFormat } from '../../../shared/domain';
import { UserError } from '../errors';
import { isPathInside, realFileInside } from './path-guard';
import { imagesPath } from './study-files';

/**
 * A study folder may come from anyone (a colleague's USB stick, an archive): its database can name any
 * file, and any of its subfolders or files can be a link to elsewhere on the disk. DermaQuant reads and
 * writes only inside the study folder, so every path built from stored data is resolved here first.
 */

/** Extension of the content-addressed copy of each format (images/<sha256>.<ext>). */
export const STORED_EXTENSION: Record<ImageFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  tiff: 'tif',
  svs: 'svs',
};

/** Whether a stored name is exactly `<sha256>.<ext>` for the image's own hash and format. */
export function isExpectedStoredName(sha256: string, format: ImageFormat, storedName: string): boolean {
  return /^[0-9a-f]{64}$/.test(sha256) && storedName === `${sha256}.${STORED_EXTENSION[format]}`;
}

const leadsOutside = (what: string, studyDir: string) =>
  new UserError(
    'STUDY_CORRUPT',
    `${what} in the study ${studyDir} leads outside the study folder (it is a link to another place): DermaQuant reads and writes only inside a study folder. Replace the link with the real folder or file, or restore the study from a backup.`,
    { file: studyDir },
  );

/**
 * A subfolder of the study (images, cache, .staging, backups), created when missing. Refused when it
 * is a link or otherwise resolves outside the study folder: writing through it (or deleting stale
 * files in it) would touch files elsewhere.
 */
export async function studySubfolder(studyDir: string, name: string): Promise<string> {
  const folder = path.join(studyDir, name);
  await fsp.mkdir(folder, { recursive: true });
  const [realStudy, realFolder, entry] = await Promise.all([
    fsp.realpath(studyDir),
    fsp.realpath(folder),
    fsp.lstat(folder),
  ]);
  if (entry.isSymbolicLink() || !entry.isDirectory() || !isPathInside(realStudy, realFolder)) {
    throw leadsOutside(`The folder ${name}/`, studyDir);
  }
  return folder;
}

/**
 * The stored copy of an image, for reading: its name checked against its hash and format, and its real
 * path inside the study. FILE_NOT_FOUND when it is missing, STUDY_CORRUPT when it leads elsewhere.
 */
export async function storedImageFile(
  studyDir: string,
  image: { sha256: string; format: ImageFormat; storedName: string; fileName: string },
): Promise<string> {
  if (!isExpectedStoredName(image.sha256, image.format, image.storedName)) {
    throw new UserError(
      'STUDY_CORRUPT',
      `The study's record of ${image.fileName} names an unexpected stored file: study.sqlite is damaged or was edited. Restore the study from a backup.`,
      { file: image.fileName },
    );
  }
  const file = path.join(imagesPath(studyDir), image.storedName);
  const real = await realFileInside(studyDir, file);
  if (real !== null) return real;
  const exists = await fsp.lstat(file).then(
    () => true,
    () => false,
  );
  if (exists)
    throw leadsOutside(`The stored copy of ${image.fileName} (images/${image.storedName})`, studyDir);
  throw new UserError(
    'FILE_NOT_FOUND',
    `The stored copy of ${image.fileName} (images/${image.storedName}) is missing: restore the study folder from a backup.`,
    { file: image.fileName },
  );
}
