import fsp from 'node:fs/promises';
import { UserError } from '../errors';
import { sniffFile } from './sniff';

/** What the file is checked for: the advice in each message differs (import it, or give another one). */
export type SourceUse = 'import' | 'analysis';

interface Wording {
  notFound: (name: string) => string;
  /** Unset: a permission error is passed on as it is (the caller's generic handling names it). */
  noPermission?: (name: string) => string;
  folder: (name: string) => string;
  notAnImage: (name: string) => string;
  unsupported: (name: string, format: string) => string;
}

const WORDING: Record<SourceUse, Wording> = {
  import: {
    notFound: (name) => `${name} was not found: check the path and try again.`,
    folder: (name) => `${name} is a folder, not an image: choose the image files in it.`,
    notAnImage: (name) =>
      `${name} is not an image DermaQuant can read (it is not a JPEG, PNG or TIFF/SVS file). Choose a JPEG, PNG or TIFF image.`,
    unsupported: (name, format) =>
      `${name} is a ${format} file, which DermaQuant does not import. Convert it to TIFF (or PNG) and import that.`,
  },
  analysis: {
    notFound: (name) => `${name} does not exist: check the path.`,
    noPermission: (name) => `${name} cannot be read (no permission).`,
    folder: (name) => `${name} is a folder, not an image: give an image file.`,
    notAnImage: (name) =>
      `${name} is not an image DermaQuant can read (not a JPEG, PNG or TIFF/SVS file). Give a JPEG, PNG or TIFF image.`,
    unsupported: (name, format) =>
      `${name} is a ${format} file, which DermaQuant does not read. Convert it to TIFF (or PNG) and try again.`,
  },
};

/**
 * Refuse what is plainly not an image before reading the whole file: missing, a folder, empty, or not
 * a JPEG, PNG or TIFF by its signature. `name` is how messages (and their detail) name the file.
 */
export async function checkImageSource(
  file: string,
  name: string,
  use: SourceUse,
): Promise<'jpeg' | 'png' | 'tiff'> {
  const words = WORDING[use];
  const stat = await fsp.stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new UserError('FILE_NOT_FOUND', words.notFound(name), { file: name });
    if (words.noPermission && (err.code === 'EACCES' || err.code === 'EPERM')) {
      throw new UserError('FILE_NOT_FOUND', words.noPermission(name), { file: name });
    }
    throw err;
  });
  if (stat.isDirectory()) throw new UserError('NOT_AN_IMAGE', words.folder(name), { file: name });
  if (stat.size === 0) {
    throw new UserError('NOT_AN_IMAGE', `${name} is empty (0 bytes): copy it again from the original.`, {
      file: name,
    });
  }
  const sniffed = await sniffFile(file);
  if (sniffed.kind === 'not-an-image') {
    throw new UserError('NOT_AN_IMAGE', words.notAnImage(name), { file: name });
  }
  if (sniffed.kind === 'unsupported') {
    throw new UserError('UNSUPPORTED_FORMAT', words.unsupported(name, sniffed.formatName), {
      file: name,
      format: sniffed.formatName,
    });
  }
  return sniffed.container;
}
