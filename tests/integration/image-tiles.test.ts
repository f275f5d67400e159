import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageTileRequest } from '../../shared/api';
import { levelSize, tileGrid, tilePyramid, TILE_SIZE } from '../../shared/geometry/tiles';
import { openImagePixels } from '../../main/services/images/decode';
import { findLevelSources } from '../../main/services/images/tiles/native-levels';
import type { Services } from '../../main/services/types';
import { writeMultiPageTiff } from '../helpers/multi-page-tiff';
import { writeJpeg, writeTiledPyramidTiff } from '../helpers/synthetic-images';
import { makeTempDir } from '../helpers/temp-dir';
import { studyWithFiles, writeTissuePng } from '../helpers/image-study';

// The tile service on real studies: real sharp decoding the stored copies, real SQLite.

let root: string;

beforeAll(() => {
  root = makeTempDir('dq-tiles-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function studyWith(
  name: string,
  files: { file: string; fileName: string }[],
  options: { maxTileCacheBytes?: number } = {},
): Promise<{ services: Services; ids: number[]; studyDir: string }> {
  const studyDir = path.join(root, name);
  return { ...(await studyWithFiles(studyDir, files, options)), studyDir };
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

const raw = async (input: Sharp): Promise<Pixels> => {
  const { data, info } = await input.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

/** Mean and largest absolute difference of two same-sized RGB buffers. */
function difference(a: Pixels, b: Pixels): { mean: number; max: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs((a.data[i] as number) - (b.data[i] as number));
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.data.length, max };
}

const tile = async (services: Services, imageId: number, level: number, x: number, y: number) =>
  raw(sharp((await services.imageTile({ imageId, level, x, y })).bytes));

describe('tiles of a PNG (no pyramid of its own)', () => {
  // Odd, non-square size: edge tiles are narrower at the right and shorter at the bottom.
  const width = 1301;
  const height = 1107;
  let services: Services;
  let id: number;
  let source: string;

  beforeAll(async () => {
    source = path.join(root, 'odd.png');
    await writeTissuePng(source, width, height, 3);
    const study = await studyWith('png', [{ file: source, fileName: 'odd.png' }]);
    services = study.services;
    id = study.ids[0]!;
  });
  afterAll(() => services.close());

  it('level 0 tiles hold exactly the full-resolution pixels of their region (JPEG tolerance)', async () => {
    const full = openImagePixels(source, null, { maxImagePixels: 1e9 });
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [2, 2],
    ] as const) {
      const got = await tile(services, id, 0, x, y);
      const left = x * TILE_SIZE;
      const top = y * TILE_SIZE;
      const expected = await raw(
        full.clone().extract({
          left,
          top,
          width: Math.min(TILE_SIZE, width - left),
          height: Math.min(TILE_SIZE, height - top),
        }),
      );
      const diff = difference(got, expected);
      expect(diff.mean, `tile ${x},${y}`).toBeLessThan(1.5);
      expect(diff.max, `tile ${x},${y}`).toBeLessThan(64); // ringing at the tissue's sharp edge
    }
  });

  it('edge tiles are sized to what is left of their level, at every level', async () => {
    const pyramid = tilePyramid(width, height);
    expect(pyramid.levelCount).toBe(3);
    for (let level = 0; level < pyramid.levelCount; level++) {
      const { columns, rows } = tileGrid(pyramid, level);
      const size = levelSize(pyramid, level);
      const corner = await tile(services, id, level, columns - 1, rows - 1);
      expect([corner.width, corner.height], `level ${level}`).toEqual([
        size.width - (columns - 1) * TILE_SIZE,
        size.height - (rows - 1) * TILE_SIZE,
      ]);
    }
    // 1301 x 1107 at level 1 is 651 x 554: its last column is 139 px wide, its last row 42 px high.
    expect(levelSize(pyramid, 1)).toEqual({ width: 651, height: 554 });
  });

  it('a level 1 tile is the region at half size', async () => {
    const got = await tile(services, id, 1, 0, 0);
    const expected = await raw(
      openImagePixels(source, null, { maxImagePixels: 1e9 })
        .extract({ left: 0, top: 0, width: 1024, height: 1024 })
        .resize(512, 512, { fit: 'fill', kernel: 'lanczos3' }),
    );
    expect(difference(got, expected).mean).toBeLessThan(1.5);
  });

  it('refuses malformed and out-of-range requests with a clear message and never a path', async () => {
    const refusals: [unknown, string, RegExp][] = [
      [{ imageId: id, level: 0.5, x: 0, y: 0 }, 'INVALID_INPUT', /level/],
      [{ imageId: id, level: 0, x: -1, y: 0 }, 'INVALID_INPUT', /x/],
      [{ imageId: id, level: 0, x: 0, y: Number.NaN }, 'INVALID_INPUT', /y/],
      [{ imageId: id, level: '0', x: 0, y: 0 }, 'INVALID_INPUT', /level/],
      [{ imageId: 0, level: 0, x: 0, y: 0 }, 'INVALID_INPUT', /imageId/],
      [{ imageId: id + 50, level: 0, x: 0, y: 0 }, 'NOT_FOUND', /no image with id/],
      [
        { imageId: id, level: 3, x: 0, y: 0 },
        'NOT_FOUND',
        /level 3 does not exist \(this image has levels 0 to 2\)/,
      ],
      [{ imageId: id, level: 0, x: 3, y: 0 }, 'NOT_FOUND', /outside level 0, which has 3 x 3 tiles/],
      [{ imageId: id, level: 2, x: 0, y: 1 }, 'NOT_FOUND', /outside level 2/],
    ];
    for (const [request, code, message] of refusals) {
      const error = await services.imageTile(request as ImageTileRequest).then(
        () => null,
        (err: unknown) => err as { code: string; message: string },
      );
      expect(error?.code, JSON.stringify(request)).toBe(code);
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(root);
    }
  });
});

describe('tiles of oriented and pyramidal files', () => {
  it('apply the EXIF orientation as the preview does', async () => {
    const source = await writeJpeg(path.join(root, 'rotated.jpg'), {
      width: 700,
      height: 600,
      orientation: 6,
    });
    const { services, ids } = await studyWith('oriented', [{ file: source, fileName: 'rotated.jpg' }]);
    try {
      const got = await tile(services, ids[0]!, 0, 1, 0); // the image is 600 x 700 once turned
      expect([got.width, got.height]).toEqual([88, 512]);
      const expected = await raw(
        openImagePixels(source, null, { maxImagePixels: 1e9 }).extract({
          left: 512,
          top: 0,
          width: 88,
          height: 512,
        }),
      );
      expect(difference(got, expected).mean).toBeLessThan(2);
    } finally {
      services.close();
    }
  });

  it('a pyramidal TIFF written by sharp: its levels are found and tiles match the full image', async () => {
    const source = await writeTiledPyramidTiff(path.join(root, 'pyramid.tif'), {
      width: 3000,
      height: 2000,
      umPerPx: 0.5,
    });
    const levels = await findLevelSources(source, 'tiff', { width: 3000, height: 2000 });
    expect(levels.map((l) => [l.page, l.width, l.height])).toEqual([
      [0, 3000, 2000],
      [1, 1500, 1000],
      [2, 750, 500],
      [3, 375, 250],
      [4, 187, 125],
    ]);
    const { services, ids } = await studyWith('pyramid', [{ file: source, fileName: 'pyramid.tif' }]);
    try {
      const got = await tile(services, ids[0]!, 2, 1, 0);
      // Level 2 (750 x 500) read from page 2: columns 512..749.
      const expected = await raw(
        openImagePixels(source, null, { maxImagePixels: 1e9 })
          .extract({ left: 2048, top: 0, width: 952, height: 2000 })
          .resize(238, 500, { fit: 'fill' }),
      );
      expect([got.width, got.height]).toEqual([238, 500]);
      expect(difference(got, expected).mean).toBeLessThan(3);
    } finally {
      services.close();
    }
  });

  it('reads each level from its own page of the file, not from the full-resolution page', async () => {
    // Pages of different colours: the colour of a tile tells which page it was cut from.
    const file = path.join(root, 'marked-pyramid.tif');
    fs.writeFileSync(
      file,
      writeMultiPageTiff([
        { width: 2048, height: 1536, rgb: [128, 128, 128] },
        { width: 1024, height: 768, rgb: [200, 30, 30] },
        { width: 512, height: 384, rgb: [30, 30, 200] },
        { width: 300, height: 100, rgb: [0, 255, 0] }, // a label picture: not a level
      ]),
    );
    const { services, ids } = await studyWith('marked', [{ file, fileName: 'marked-pyramid.tif' }]);
    try {
      const centre = async (level: number) => {
        const pixels = await tile(services, ids[0]!, level, 0, 0);
        const at = ((pixels.height >> 1) * pixels.width + (pixels.width >> 1)) * 3;
        return [...pixels.data.subarray(at, at + 3)];
      };
      const near = (got: number[], want: number[]) =>
        expect(
          Math.max(...got.map((v, i) => Math.abs(v - (want[i] as number)))),
          `${got} vs ${want}`,
        ).toBeLessThan(4);
      near(await centre(0), [128, 128, 128]);
      near(await centre(1), [200, 30, 30]);
      near(await centre(2), [30, 30, 200]);
    } finally {
      services.close();
    }
  });
});

describe('the tile cache', () => {
  const cacheFiles = (studyDir: string) => {
    const dir = path.join(studyDir, 'cache', 'tiles');
    return fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.jpg'))
      .map((name) => path.join(dir, name));
  };

  it('serves a cached tile without decoding the stored copy again', async () => {
    const source = path.join(root, 'cached.png');
    await writeTissuePng(source, 900, 700, 1);
    const { services, ids, studyDir } = await studyWith('cache-hit', [
      { file: source, fileName: 'cached.png' },
    ]);
    try {
      const first = await services.imageTile({ imageId: ids[0]!, level: 0, x: 1, y: 0 });
      expect(cacheFiles(studyDir)).toHaveLength(1);
      // Without the stored copy no tile can be rendered: a second answer can only come from the cache.
      for (const stored of fs.readdirSync(path.join(studyDir, 'images'))) {
        fs.rmSync(path.join(studyDir, 'images', stored));
      }
      const again = await services.imageTile({ imageId: ids[0]!, level: 0, x: 1, y: 0 });
      expect(again.bytes.equals(first.bytes)).toBe(true);
      await expect(services.imageTile({ imageId: ids[0]!, level: 0, x: 0, y: 0 })).rejects.toMatchObject({
        code: 'FILE_NOT_FOUND',
      });
    } finally {
      services.close();
    }
  });

  it('renders again a cached tile that was cut short', async () => {
    const source = path.join(root, 'short.png');
    await writeTissuePng(source, 600, 600, 2);
    const { services, ids, studyDir } = await studyWith('cache-short', [
      { file: source, fileName: 'short.png' },
    ]);
    try {
      const first = await services.imageTile({ imageId: ids[0]!, level: 0, x: 0, y: 0 });
      const [file] = cacheFiles(studyDir);
      fs.writeFileSync(file!, first.bytes.subarray(0, 100));
      const again = await services.imageTile({ imageId: ids[0]!, level: 0, x: 0, y: 0 });
      expect(again.bytes.equals(first.bytes)).toBe(true);
    } finally {
      services.close();
    }
  });

  it('evicts the least recently used tiles to stay within its size, and answers a burst of requests', async () => {
    const source = path.join(root, 'evict.png');
    await writeTissuePng(source, 2000, 1500, 4);
    const limit = 120_000;
    const { services, ids, studyDir } = await studyWith('evict', [{ file: source, fileName: 'evict.png' }], {
      maxTileCacheBytes: limit,
    });
    try {
      const pyramid = tilePyramid(2000, 1500);
      const requests = [];
      for (let level = 0; level < pyramid.levelCount; level++) {
        const { columns, rows } = tileGrid(pyramid, level);
        for (let y = 0; y < rows; y++) {
          for (let x = 0; x < columns; x++) requests.push({ imageId: ids[0]!, level, x, y });
        }
      }
      expect(requests.length).toBe(12 + 4 + 1);
      const tiles = await Promise.all(requests.map((r) => services.imageTile(r)));
      const rendered = tiles.reduce((sum, t) => sum + t.bytes.length, 0);
      expect(rendered).toBeGreaterThan(2 * limit); // so eviction really had work to do
      const kept = cacheFiles(studyDir).reduce((sum, f) => sum + fs.statSync(f).size, 0);
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(limit);
    } finally {
      services.close();
    }
  });
});
