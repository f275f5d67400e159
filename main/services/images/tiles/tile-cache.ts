import fsp from 'node:fs/promises';
import path from 'node:path';
import { realFileInside } from '../../study/path-guard';
import { removeAbandonedTemporaryFiles, temporaryPath } from '../stored-files';

/** A cached tile's name: the image's content hash (not its id), so a tile can never show another image. */
export const tileFileName = (sha256: string, level: number, x: number, y: number): string =>
  `${sha256}-${level}-${x}-${y}.jpg`;

const TILE_NAME = /^[0-9a-f]{64}-\d+-\d+-\d+\.jpg$/;

/** A whole JPEG (SOI at the start, EOI at the end): a tile cut short by a crash is rendered again. */
const isWholeJpeg = (bytes: Buffer) =>
  bytes.length > 4 &&
  bytes[0] === 0xff &&
  bytes[1] === 0xd8 &&
  bytes[bytes.length - 2] === 0xff &&
  bytes[bytes.length - 1] === 0xd9;

/**
 * Rendered tiles on disk (cache/tiles/ of the study), bounded in total size: past `maxBytes` the least
 * recently used tiles are deleted down to 90 % of it, so eviction runs in batches rather than on every
 * write. Disposable like every file in cache/: tiles are written under a temporary name and renamed
 * (never half a tile under a real name), without fsync, since a lost tile is simply rendered again.
 * The index of sizes lives in memory, built from the folder on first use.
 */
export class TileDiskCache {
  /** File name -> size, in least- to most-recently-used order (Map keeps insertion order). */
  private index: Map<string, number> | null = null;
  private totalBytes = 0;

  constructor(
    private readonly studyDir: string,
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** Bytes the cached tiles take (as this cache counts them). */
  async size(): Promise<number> {
    await this.load();
    return this.totalBytes;
  }

  async read(name: string): Promise<Buffer | null> {
    const index = await this.load();
    if (!index.has(name)) return null;
    // Every read resolves links: a planted symlink must not make a tile of a file outside the study.
    const real = await realFileInside(this.studyDir, path.join(this.dir, name));
    const bytes = real === null ? null : await fsp.readFile(real).catch(() => null);
    if (!bytes || !isWholeJpeg(bytes)) {
      await this.forget(name);
      return null;
    }
    index.delete(name);
    index.set(name, bytes.length);
    return bytes;
  }

  async write(name: string, bytes: Buffer): Promise<void> {
    const index = await this.load();
    const temp = temporaryPath(this.dir, 'tile');
    try {
      await fsp.writeFile(temp, bytes, { flag: 'wx' });
      await fsp.rename(temp, path.join(this.dir, name));
    } finally {
      await fsp.rm(temp, { force: true });
    }
    this.totalBytes += bytes.length - (index.get(name) ?? 0);
    index.delete(name);
    index.set(name, bytes.length);
    if (this.totalBytes > this.maxBytes) await this.evict(this.maxBytes * 0.9);
  }

  private async evict(target: number): Promise<void> {
    const index = await this.load();
    for (const name of [...index.keys()]) {
      if (this.totalBytes <= target) break;
      await this.forget(name);
    }
  }

  private async forget(name: string): Promise<void> {
    const index = await this.load();
    this.totalBytes -= index.get(name) ?? 0;
    index.delete(name);
    await fsp.rm(path.join(this.dir, name), { force: true });
  }

  private async load(): Promise<Map<string, number>> {
    if (this.index) return this.index;
    await removeAbandonedTemporaryFiles(this.dir);
    const entries = await fsp.readdir(this.dir).catch(() => [] as string[]);
    const found: { name: string; size: number; used: number }[] = [];
    for (const name of entries) {
      if (!TILE_NAME.test(name)) continue;
      const stat = await fsp.lstat(path.join(this.dir, name)).catch(() => null);
      if (stat?.isFile()) found.push({ name, size: stat.size, used: stat.mtimeMs });
    }
    // Loading is async: a concurrent caller may have built the index meanwhile; keep the first.
    if (this.index) return this.index;
    this.index = new Map(found.sort((a, b) => a.used - b.used).map((f) => [f.name, f.size]));
    this.totalBytes = found.reduce((sum, f) => sum + f.size, 0);
    return this.index;
  }
}
