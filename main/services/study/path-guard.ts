import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** True when `candidate` is `folder` itself or lies beneath it (both already absolute and normalised). */
export function isPathInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolve `file` through every symbolic link and return its real path if it is a file inside the real
 * `folder`; otherwise null. A textual check is not enough: a symlink inside the study folder could
 * point anywhere on disk.
 */
export async function realFileInside(folder: string, file: string): Promise<string | null> {
  try {
    const [realFolder, realFile] = await Promise.all([realpath(folder), realpath(file)]);
    return isPathInside(realFolder, realFile) && realFile !== realFolder ? realFile : null;
  } catch {
    return null; // missing file or folder
  }
}
