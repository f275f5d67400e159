/** The tile pyramid's pure maths (shared/geometry/tiles.ts), shared by the tile service and the viewer. */
import { describe, expect, it } from 'vitest';
import {
  chooseTileLevel,
  levelSize,
  tileAddressProblem,
  tileGrid,
  tileImageRect,
  tileLevelRect,
  tilePyramid,
  tilesOfRange,
  visibleTileRange,
} from '../../shared/geometry/tiles';

describe('pyramid levels', () => {
  it('goes down to the first level that fits in one tile', () => {
    expect(tilePyramid(512, 300).levelCount).toBe(1);
    expect(tilePyramid(513, 300).levelCount).toBe(2);
    expect(tilePyramid(8000, 6000).levelCount).toBe(5); // 8000 / 16 = 500
    expect(tilePyramid(100_000, 100_000).levelCount).toBe(9);
    expect(tilePyramid(300, 5000, 256).levelCount).toBe(6); // the long side decides, whichever it is
  });

  it('rounds odd level sizes up, so the last pixel column and row are never lost', () => {
    const pyramid = tilePyramid(1301, 1107);
    expect(levelSize(pyramid, 0)).toEqual({ width: 1301, height: 1107 });
    expect(levelSize(pyramid, 1)).toEqual({ width: 651, height: 554 });
    expect(levelSize(pyramid, 2)).toEqual({ width: 326, height: 277 });
    expect(tileGrid(pyramid, 0)).toEqual({ columns: 3, rows: 3 });
    expect(tileGrid(pyramid, 1)).toEqual({ columns: 2, rows: 2 });
    expect(tileGrid(pyramid, 2)).toEqual({ columns: 1, rows: 1 });
  });
});

describe('tile rectangles', () => {
  const pyramid = tilePyramid(1301, 1107);

  it('edge tiles are narrower and shorter, in the level and in the image', () => {
    expect(tileLevelRect(pyramid, { level: 0, x: 2, y: 2 })).toEqual({
      left: 1024,
      top: 1024,
      width: 277,
      height: 83,
    });
    expect(tileLevelRect(pyramid, { level: 1, x: 1, y: 1 })).toEqual({
      left: 512,
      top: 512,
      width: 139,
      height: 42,
    });
    // 139 level pixels stand for 278 image pixels, but only 277 are left: the region is clipped to the image.
    expect(tileImageRect(pyramid, { level: 1, x: 1, y: 1 })).toEqual({
      left: 1024,
      top: 1024,
      width: 277,
      height: 83,
    });
    expect(tileImageRect(pyramid, { level: 2, x: 0, y: 0 })).toEqual({
      left: 0,
      top: 0,
      width: 1301,
      height: 1107,
    });
  });

  it('interior tiles cover tileSize x 2^level image pixels, and the tiles of a level tile the image exactly', () => {
    expect(tileImageRect(pyramid, { level: 1, x: 0, y: 0 })).toEqual({
      left: 0,
      top: 0,
      width: 1024,
      height: 1024,
    });
    for (let level = 0; level < pyramid.levelCount; level++) {
      const { columns, rows } = tileGrid(pyramid, level);
      let area = 0;
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < columns; x++) {
          const r = tileImageRect(pyramid, { level, x, y });
          area += r.width * r.height;
        }
      }
      expect(area, `level ${level}`).toBe(1301 * 1107);
    }
  });

  it('names what is wrong with an address outside the pyramid', () => {
    expect(tileAddressProblem(pyramid, { level: 0, x: 2, y: 2 })).toBeNull();
    expect(tileAddressProblem(pyramid, { level: 3, x: 0, y: 0 })).toMatch(/levels 0 to 2/);
    expect(tileAddressProblem(pyramid, { level: 0, x: 3, y: 0 })).toMatch(
      /outside level 0, which has 3 x 3 tiles/,
    );
    expect(tileAddressProblem(pyramid, { level: 1, x: 0, y: 2 })).toMatch(/y 0 to 1/);
    expect(tileAddressProblem(pyramid, { level: -1, x: 0, y: 0 })).toMatch(/whole numbers/);
    expect(tileAddressProblem(pyramid, { level: 0, x: 0.5, y: 0 })).toMatch(/whole numbers/);
  });
});

describe('level choice', () => {
  const pyramid = tilePyramid(8000, 6000);
  const previewDownsample = 8000 / 4096;

  it('picks the coarsest level whose pixel is at most one screen pixel', () => {
    expect(chooseTileLevel(pyramid, 1, previewDownsample)).toBe(0);
    expect(chooseTileLevel(pyramid, 4, previewDownsample)).toBe(0); // beyond 1:1 level 0 is magnified
    expect(chooseTileLevel(pyramid, 0.6, previewDownsample)).toBe(0);
    const big = tilePyramid(100_000, 80_000);
    expect(chooseTileLevel(big, 0.5, 100_000 / 4096)).toBe(1);
    expect(chooseTileLevel(big, 0.49, 100_000 / 4096)).toBe(1);
    expect(chooseTileLevel(big, 0.25, 100_000 / 4096)).toBe(2);
    expect(chooseTileLevel(big, 0.1, 100_000 / 4096)).toBe(3);
  });

  it('needs no tiles where the preview is as detailed as the level', () => {
    expect(chooseTileLevel(pyramid, 0.5, previewDownsample)).toBeNull(); // level 1 is coarser than the preview
    expect(chooseTileLevel(pyramid, 0.01, previewDownsample)).toBeNull();
    expect(chooseTileLevel(tilePyramid(3000, 2000), 8, 1)).toBeNull(); // stored whole: the preview is level 0
    expect(chooseTileLevel(pyramid, 0, previewDownsample)).toBeNull();
  });
});

describe('visible tiles', () => {
  const pyramid = tilePyramid(1301, 1107);

  it('covers the visible rectangle, clipped to the grid at the image edges', () => {
    expect(visibleTileRange(pyramid, 0, { left: 100, top: 100, width: 500, height: 10 })).toEqual({
      level: 0,
      x0: 0,
      x1: 1,
      y0: 0,
      y1: 0,
    });
    // A view hanging over the bottom-right corner asks for no tile past the last one.
    expect(visibleTileRange(pyramid, 0, { left: 1200, top: 1000, width: 2000, height: 2000 })).toEqual({
      level: 0,
      x0: 2,
      x1: 2,
      y0: 1,
      y1: 2,
    });
    // ...and one over the top-left corner none before the first.
    expect(visibleTileRange(pyramid, 1, { left: -900, top: -900, width: 1000, height: 2000 })).toEqual({
      level: 1,
      x0: 0,
      x1: 0,
      y0: 0,
      y1: 1,
    });
  });

  it('a tile edge exactly at the view edge is not requested', () => {
    expect(visibleTileRange(pyramid, 0, { left: 0, top: 0, width: 512, height: 1024 })).toEqual({
      level: 0,
      x0: 0,
      x1: 0,
      y0: 0,
      y1: 1,
    });
  });

  it('is null when the view is beside the image', () => {
    expect(visibleTileRange(pyramid, 0, { left: 1301, top: 0, width: 100, height: 100 })).toBeNull();
    expect(visibleTileRange(pyramid, 0, { left: -200, top: -200, width: 200, height: 100 })).toBeNull();
  });

  it('lists the tiles nearest the centre first', () => {
    const tiles = tilesOfRange({ level: 0, x0: 0, x1: 2, y0: 0, y1: 2 });
    expect(tiles).toHaveLength(9);
    expect(tiles[0]).toEqual({ level: 0, x: 1, y: 1 });
    expect(tiles.slice(5).every((t) => t.x !== 1 && t.y !== 1)).toBe(true); // corners last
  });
});
