import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Durable file writes for the study folder. Every file DermaQuant keeps is written under a temporary
 * name, flushed to disk and renamed into place, so a crash or a full disk never leaves a half-written
 * file under a real name.
 */

/** A temporary name in `dir` that no other writer uses; dot-prefixed so listings skip it. */
export const temporaryPath = (dir: string, purpose: string): string =>
  path.join(dir, `.${purpose}-${randomBytes(9).toString('base64url')}.tmp`);

/** Flush a file ('r+') or a folder's entries ('r') to disk. */
export async function fsyncPath(target: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await fsp.open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Temporary files older than this were left by a crash (a live import finishes well within it). */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** Remove temporary files a crashed import left in `dir` (never a finished file: those have real names). */
export async function removeAbandonedTemporaryFiles(dir: string): Promise<void> {
  const entries = await fsp.readdir(dir).catch(() => [] as string[]);
  const cutoff = Date.now() - ABANDONED_AFTER_MS;
  for (const entry of entries) {
    if (!/^\.[a-z]+-[A-Za-z0-9_-]+\.tmp$/.test(entry)) continue;
    const file = path.join(dir, entry);
    const stat = await fsp.stat(file).catch(() => null);
    if (stat?.isFile() && stat.mtimeMs < cutoff) await fsp.rm(file, { force: true });
  }
}

/** Flush a folder's entry list so a rename into it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  await fsyncPath(dir, 'r').catch(() => undefined); // not every platform can fsync a folder
}

export interface HashedCopy {
  tempPath: string;
  sha256: string;
  byteSize: number;
}

/**
 * Stream `source` into a temporary file in `dir` while hashing it (one read of the original, which is
 * only ever opened for reading). The caller renames or removes the temporary file.
 */
export async function copyWithSha256(source: string, dir: string): Promise<HashedCopy> {
  const tempPath = temporaryPath(dir, 'incoming');
  const hash = createHash('sha256');
  let byteSize = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      byteSize += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(source), hasher, fs.createWriteStream(tempPath, { flags: 'wx' }));
    await fsyncPath(tempPath, 'r+');
  } catch (err) {
    await fsp.rm(tempPath, { force: true });
    throw err;
  }
  return { tempPath, sha256: hash.digest('hex'), byteSize };
}

/**
 * Move a finished temporary file to its final name and make the rename durable. The file's bytes are
 * flushed first: otherwise a power cut can leave the new name pointing at an empty or partial file
 * (file systems may write the rename before delayed data).
 */
export async function commitFile(tempPath: string, finalPath: string): Promise<void> {
  await fsyncPath(tempPath, 'r+');
  await fsp.rename(tempPath, finalPath);
  await fsyncDir(path.dirname(finalPath));
}

export class SizeLimitError extends Error {}

/**
 * Stream bytes into `target` (created exclusively), refusing more than `maxBytes`. On any failure the
 * partial file is removed.
 */
export async function writeStreamCapped(
  body: AsyncIterable<Uint8Array> | Uint8Array,
  target: string,
  maxBytes: number,
): Promise<number> {
  let written = 0;
  async function* capped(): AsyncGenerator<Uint8Array> {
    const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = body instanceof Uint8Array ? [body] : body;
    for await (const chunk of chunks) {
      written += chunk.length;
      if (written > maxBytes) throw new SizeLimitError(`more than ${maxBytes} bytes`);
      yield chunk;
    }
  }
  // Create the file before streaming: a write stream opened lazily could create it only after a failed
  // pipeline's clean-up below had already run, leaving the partial file behind.
  const handle = await fsp.open(target, 'wx');
  try {
    await pipeline(capped(), handle.createWriteStream());
    await fsyncPath(target, 'r+');
  } catch (err) {
    await fsp.rm(target, { force: true });
    throw err;
  }
  return written;
}
