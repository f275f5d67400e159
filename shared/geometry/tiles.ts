/**
 * The tile pyramid of an image, as the tile service cuts it and the viewer requests it. Level 0 is the
 * full-resolution image; level L is the image scaled by 1 / 2^L (each side rounded up), cut into square
 * tiles of `tileSize` level pixels from the top-left (the last column and row may be narrower). The
 * pyramid goes up to the first level that fits in one tile.
 */

/** Tile side in level pixels: few requests per screen, each small enough to encode in tens of ms. */
export const TILE_SIZE = 512;

export interface TilePyramid {
  /** Full-resolution size (after EXIF orientation): the coordinate system of everything on the stage. */
  width: number;
  height: number;
  tileSize: number;
  /** Levels 0 .. levelCount - 1. */
  levelCount: number;
}

export interface TileAddress {
  level: number;
  x: number;
  y: number;
}

/** A rectangle in pixels: [left, left + width) x [top, top + height). */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function tilePyramid(width: number, height: number, tileSize = TILE_SIZE): TilePyramid {
  let levelCount = 1;
  while (Math.max(width, height) / 2 ** (levelCount - 1) > tileSize) levelCount += 1;
  return { width, height, tileSize, levelCount };
}

/** The size of a level's image. */
export function levelSize(pyramid: TilePyramid, level: number): { width: number; height: number } {
  const factor = 2 ** level;
  return { width: Math.ceil(pyramid.width / factor), height: Math.ceil(pyramid.height / factor) };
}

/** How many tiles a level has across and down. */
export function tileGrid(pyramid: TilePyramid, level: number): { columns: number; rows: number } {
  const size = levelSize(pyramid, level);
  return {
    columns: Math.ceil(size.width / pyramid.tileSize),
    rows: Math.ceil(size.height / pyramid.tileSize),
  };
}

/** Why a tile address does not exist in the pyramid (for an error message), or null when it does. */
export function tileAddressProblem(pyramid: TilePyramid, { level, x, y }: TileAddress): string | null {
  const integers = [level, x, y].every((n) => Number.isSafeInteger(n) && n >= 0);
  if (!integers) return 'level, x and y must be whole numbers from 0';
  if (level >= pyramid.levelCount) {
    return `level ${level} does not exist (this image has levels 0 to ${pyramid.levelCount - 1})`;
  }
  const { columns, rows } = tileGrid(pyramid, level);
  if (x >= columns || y >= rows) {
    return `tile ${x}, ${y} is outside level ${level}, which has ${columns} x ${rows} tiles (x 0 to ${columns - 1}, y 0 to ${rows - 1})`;
  }
  return null;
}

/** The tile's pixels within its level's image (narrower at the right and bottom edges). */
export function tileLevelRect(pyramid: TilePyramid, { level, x, y }: TileAddress): PixelRect {
  const size = levelSize(pyramid, level);
  const left = x * pyramid.tileSize;
  const top = y * pyramid.tileSize;
  return {
    left,
    top,
    width: Math.min(pyramid.tileSize, size.width - left),
    height: Math.min(pyramid.tileSize, size.height - top),
  };
}

/**
 * The full-resolution region a tile shows: its level rectangle times 2^level, clipped to the image
 * (a level's last pixel can stand for fewer than 2^level image pixels). The service renders exactly
 * this region and the viewer draws the tile over exactly it, so the two always agree.
 */
export function tileImageRect(pyramid: TilePyramid, address: TileAddress): PixelRect {
  const rect = tileLevelRect(pyramid, address);
  const factor = 2 ** address.level;
  const left = rect.left * factor;
  const top = rect.top * factor;
  return {
    left,
    top,
    width: Math.min((rect.left + rect.width) * factor, pyramid.width) - left,
    height: Math.min((rect.top + rect.height) * factor, pyramid.height) - top,
  };
}

/**
 * The level to draw at `screenPerImagePixel` device pixels per full-resolution pixel: the coarsest one
 * whose pixel is still at most one device pixel (so 1:1 uses level 0 and 60% zoom level 0 too, 50% level
 * 1). Null when the preview (downsampled by `previewDownsample`, 1 for an image stored whole) is at least
 * as detailed as that level, so no tile would add anything.
 */
export function chooseTileLevel(
  pyramid: TilePyramid,
  screenPerImagePixel: number,
  previewDownsample: number,
): number | null {
  if (!(screenPerImagePixel > 0)) return null;
  // The small tolerance keeps exactly 50% (1/2^L) on level L despite rounding in the camera.
  const ideal = Math.floor(Math.log2(1 / screenPerImagePixel) + 1e-9);
  const level = Math.min(Math.max(0, ideal), pyramid.levelCount - 1);
  return 2 ** level < previewDownsample * (1 - 1e-6) ? level : null;
}

/** An inclusive range of tile columns and rows. */
export interface TileRange {
  level: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * The tiles of `level` that cover `visible` (a full-resolution rectangle: the viewport through the
 * inverse camera, grown by whatever margin the caller wants preloaded), clipped to the grid; null when
 * nothing of the image is visible.
 */
export function visibleTileRange(pyramid: TilePyramid, level: number, visible: PixelRect): TileRange | null {
  const span = pyramid.tileSize * 2 ** level; // full-resolution pixels per tile
  const right = Math.min(visible.left + visible.width, pyramid.width);
  const bottom = Math.min(visible.top + visible.height, pyramid.height);
  const left = Math.max(visible.left, 0);
  const top = Math.max(visible.top, 0);
  if (right <= left || bottom <= top) return null;
  const { columns, rows } = tileGrid(pyramid, level);
  return {
    level,
    x0: Math.floor(left / span),
    x1: Math.min(columns - 1, Math.ceil(right / span) - 1),
    y0: Math.floor(top / span),
    y1: Math.min(rows - 1, Math.ceil(bottom / span) - 1),
  };
}

/** The tiles of a range, nearest the range's centre first (what the eye looks at loads first). */
export function tilesOfRange(range: TileRange): TileAddress[] {
  const cx = (range.x0 + range.x1) / 2;
  const cy = (range.y0 + range.y1) / 2;
  const tiles: TileAddress[] = [];
  for (let y = range.y0; y <= range.y1; y++) {
    for (let x = range.x0; x <= range.x1; x++) tiles.push({ level: range.level, x, y });
  }
  const distance = (t: TileAddress) => (t.x - cx) ** 2 + (t.y - cy) ** 2;
  return tiles.sort((a, b) => distance(a) - distance(b));
}
