import { ImageTileRequest } from '../../../../shared/api';
import { tileAddressProblem, tilePyramid } from '../../../../shared/geometry/tiles';
import { UserError } from '../../errors';
import type { ImageTile, Services } from '../../types';
import type { ServiceContext } from '../../study/service-context';
import type { OpenStudy } from '../../study/study-session';
import { TILE_CACHE_DIR } from '../../study/study-files';
import { storedImageFile, studySubfolder } from '../../study/study-paths';
import { libvipsReason } from '../libvips-error';
import { findLevelSources, type LevelSource } from './native-levels';
import { RenderQueue } from './render-queue';
import { renderTile } from './render-tile';
import { TileDiskCache, tileFileName } from './tile-cache';

/**
 * Tile renders at once. libvips already spreads one render over every core, so more would only add
 * memory (each holds its decode buffers), not speed.
 */
const RENDERS_AT_ONCE = 2;

type StoredImage = NonNullable<ReturnType<OpenStudy['repos']['images']['get']>>;

/** What the tile service keeps per open study: its disk cache and each image's pyramid directories. */
interface StudyTiles {
  cache: TileDiskCache | null;
  levels: Map<string, Promise<LevelSource[]>>;
}

function invalid(request: unknown): UserError {
  const parsed = ImageTileRequest.safeParse(request);
  const issue = parsed.success ? null : parsed.error.issues[0];
  const where = issue?.path.join('.') || 'request';
  return new UserError(
    'INVALID_INPUT',
    `Not a tile address: ${where} ${issue?.message ?? 'is malformed'} (a tile is image id, level, x and y, whole numbers).`,
  );
}

/** Tiles of each image's pyramid for the viewer: cached on disk, rendered on demand, a few at a time. */
export function tileMethods(ctx: ServiceContext): Pick<Services, 'imageTile'> {
  const queue = new RenderQueue<Buffer>(RENDERS_AT_ONCE);

  let current: { dir: string; tiles: Promise<StudyTiles> } | null = null;

  /** One per open study, shared by concurrent requests (two caches would each count only their own tiles). */
  function tilesOf(study: OpenStudy): Promise<StudyTiles> {
    if (current?.dir !== study.dir) current = { dir: study.dir, tiles: openStudyTiles(study) };
    return current.tiles;
  }

  async function openStudyTiles(study: OpenStudy): Promise<StudyTiles> {
    // A read-only study that has no tile folder yet renders without caching.
    const folder = await studySubfolder(study.dir, TILE_CACHE_DIR).catch((err: unknown) => {
      if (study.readOnly && !(err instanceof UserError)) return null;
      throw err;
    });
    const cache = folder === null ? null : new TileDiskCache(study.dir, folder, ctx.limits.maxTileCacheBytes);
    return { cache, levels: new Map() };
  }

  function levelsOf(tiles: StudyTiles, image: StoredImage, file: string): Promise<LevelSource[]> {
    let levels = tiles.levels.get(image.sha256);
    if (!levels) {
      levels = findLevelSources(file, image.format, image);
      levels.catch(() => tiles.levels.delete(image.sha256)); // try again next time
      tiles.levels.set(image.sha256, levels);
    }
    return levels;
  }

  async function render(study: OpenStudy, tiles: StudyTiles, image: StoredImage, request: ImageTileRequest) {
    const file = await storedImageFile(study.dir, image);
    const randomAccess = image.format === 'tiff' || image.format === 'svs';
    let bytes: Buffer;
    try {
      const levels = await levelsOf(tiles, image, file);
      const source = { path: file, randomAccess, colourFix: image.colourFix, levels };
      bytes = await renderTile(
        source,
        tilePyramid(image.width, image.height),
        request,
        ctx.limits.maxImagePixels,
      );
    } catch (err) {
      throw new UserError(
        'CORRUPT_IMAGE',
        `A tile of ${image.fileName} could not be decoded (${libvipsReason(err)}): the stored copy may be damaged. Restore the study folder from a backup.`,
        { file: image.fileName },
      );
    }
    const name = tileFileName(image.sha256, request.level, request.x, request.y);
    if (tiles.cache && !study.readOnly) {
      await tiles.cache.write(name, bytes).catch((err: unknown) => {
        // A full disk costs the cache, not the view: the tile is still shown.
        console.error(`[dermaquant] could not cache a tile of ${image.fileName}: ${String(err)}`);
      });
    }
    return bytes;
  }

  return {
    async imageTile(input, signal): Promise<ImageTile> {
      const parsed = ImageTileRequest.safeParse(input);
      if (!parsed.success) throw invalid(input);
      const request = parsed.data;
      const study = await ctx.session.require();
      const image = study.repos.images.get(request.imageId);
      if (!image)
        throw new UserError('NOT_FOUND', `There is no image with id ${request.imageId} in this study.`);
      const problem = tileAddressProblem(tilePyramid(image.width, image.height), request);
      if (problem) throw new UserError('NOT_FOUND', `${image.fileName} has no such tile: ${problem}.`);
      const tiles = await tilesOf(study);
      const name = tileFileName(image.sha256, request.level, request.x, request.y);
      const cached = await tiles.cache?.read(name);
      if (cached) return { bytes: cached, contentType: 'image/jpeg' };
      const bytes = await queue.run(
        `${study.dir}\n${name}`,
        () => render(study, tiles, image, request),
        signal,
      );
      return { bytes, contentType: 'image/jpeg' };
    },
  };
}
