/**
 * Writing export files outside the study: atomically (a temporary file in the same folder, flushed,
 * then moved into place, so a crash or a full disk never leaves half a file under the real name) and
 * never over an existing file unless the user asked for it (--force).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { commitFile, fsyncDir, fsyncPath, temporaryPath } from '../services/images/stored-files';
import { UserError } from '../services/errors';

const exists = (file: string) =>
  fs.stat(file).then(
    (s) => s,
    () => null,
  );

/** Refuse a target that is a folder, or an existing file without --force; nothing is written. */
export async function checkExportTarget(file: string, force: boolean): Promise<void> {
  const stat = await exists(file);
  if (stat?.isDirectory()) {
    throw new UserError('CONFLICT', `${file} is a folder: give a file name to export to.`, { file });
  }
  if (stat && !force) {
    throw new UserError(
      'CONFLICT',
      `${file} already exists: nothing was written. Pass --force to replace it, or choose another name.`,
      { file },
    );
  }
  const dir = await exists(path.dirname(file));
  if (!dir?.isDirectory()) {
    throw new UserError(
      'FILE_NOT_FOUND',
      `The folder ${path.dirname(file)} does not exist: create it first.`,
      {
        file,
      },
    );
  }
}

/**
 * A folder the user cannot write to. Said of the export's folder: the generic read-only message would
 * blame the study folder, which an export only reads.
 */
function notWritable(file: string, err: NodeJS.ErrnoException): UserError {
  return new UserError(
    'INVALID_INPUT',
    `Cannot write ${file}: the folder ${path.dirname(file)} is read-only or you have no permission to write there (${err.code}). Nothing was written: choose another folder.`,
    { file },
  );
}

const WRITE_REFUSED = new Set(['EROFS', 'EACCES', 'EPERM']);

export async function writeExportFile(
  file: string,
  text: string | Uint8Array,
  force: boolean,
): Promise<void> {
  await checkExportTarget(file, force);
  const temp = temporaryPath(path.dirname(file), 'export');
  try {
    await fs.writeFile(temp, text, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      throw err.code && WRITE_REFUSED.has(err.code) ? notWritable(file, err) : err;
    });
    if (force) {
      await commitFile(temp, file); // rename replaces an existing file in one step
    } else {
      // A hard link fails if the name was taken meanwhile (rename would silently replace it).
      await fsyncPath(temp, 'r+');
      await fs.link(temp, file).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') return checkExportTarget(file, false);
        // A file system without hard links (FAT, some network shares): check again, then rename.
        if (err.code !== 'EPERM' && err.code !== 'ENOTSUP') throw err;
        await checkExportTarget(file, false);
        await fs.rename(temp, file);
      });
      await fsyncDir(path.dirname(file));
    }
  } finally {
    await fs.rm(temp, { force: true });
  }
}
