/**
 * An editable binary mask stored as 256 x 256 tiles, created on first paint and dropped when emptied,
 * so a brush stroke touches (and the undo history copies) only the tiles under it.
 *
 * The mask grid is anchored at the image origin with a declared `scale`: mask pixel (i, j) covers image
 * pixels [i * scale, (i + 1) * scale) x [j * scale, (j + 1) * scale). Painting methods take image
 * pixels; a mask pixel is painted when its centre lies in the painted shape.
 */
import { PolygonRasterizer, type PolygonRings } from '../geometry/rasterize';
import { capsuleRowInterval } from './capsule';
import { runsLength } from './rle';
import type { EncodedMask } from './types';

export const TILE_SIZE = 256;
export const TILE_AREA = TILE_SIZE * TILE_SIZE;
/** Tile keys are ty * stride + tx: enough for 16.7 million mask pixels across. */
const KEY_STRIDE = 65536;

export const tileKey = (tx: number, ty: number): number => ty * KEY_STRIDE + tx;
export const tileOfKey = (key: number): { tx: number; ty: number } => ({
  tx: key % KEY_STRIDE,
  ty: Math.floor(key / KEY_STRIDE),
});

/** Called with a tile's key just before the first change to it, so the history can copy it first. */
export type BeforeTileChange = (key: number) => void;

export type MaskValue = 0 | 1;

export class TiledMask {
  /** Mask pixels across and down: enough to cover the image. */
  readonly gridWidth: number;
  readonly gridHeight: number;
  private readonly tiles = new Map<number, Uint8Array>();
  /** Set-pixel count per tile, recomputed lazily after edits. */
  private readonly tileCounts = new Map<number, number>();

  constructor(
    readonly imageWidth: number,
    readonly imageHeight: number,
    readonly scale = 1,
  ) {
    if (!Number.isInteger(scale) || scale < 1)
      throw new RangeError(`mask scale must be a whole number >= 1, not ${scale}`);
    this.gridWidth = Math.ceil(imageWidth / scale);
    this.gridHeight = Math.ceil(imageHeight / scale);
  }

  tileKeys(): number[] {
    return [...this.tiles.keys()].sort((a, b) => a - b);
  }

  /** The tile's bitmap (row-major, 0/1), or undefined when the tile is empty. Do not modify it. */
  tile(key: number): Uint8Array | undefined {
    return this.tiles.get(key);
  }

  /** Replaces a tile wholesale (undo and redo); null or an all-zero bitmap empties it. */
  putTile(key: number, data: Uint8Array | null): void {
    if (data && data.length !== TILE_AREA)
      throw new RangeError(`a tile holds ${TILE_AREA} pixels, not ${data.length}`);
    if (!data || isAllZero(data)) {
      this.tiles.delete(key);
      this.tileCounts.delete(key);
      return;
    }
    this.tiles.set(key, data.slice());
    this.tileCounts.delete(key);
  }

  get(x: number, y: number): MaskValue {
    if (x < 0 || y < 0 || x >= this.gridWidth || y >= this.gridHeight) return 0;
    const tile = this.tiles.get(tileKey(Math.floor(x / TILE_SIZE), Math.floor(y / TILE_SIZE)));
    return tile && tile[(y % TILE_SIZE) * TILE_SIZE + (x % TILE_SIZE)] ? 1 : 0;
  }

  /** Sets mask pixels [x0, x1) of mask row y (clipped to the grid). */
  fillRow(y: number, x0: number, x1: number, value: MaskValue, beforeChange?: BeforeTileChange): void {
    if (y < 0 || y >= this.gridHeight) return;
    const from = Math.max(0, x0);
    const to = Math.min(this.gridWidth, x1);
    if (to <= from) return;
    const ty = Math.floor(y / TILE_SIZE);
    const rowOffset = (y % TILE_SIZE) * TILE_SIZE;
    for (let tx = Math.floor(from / TILE_SIZE); tx * TILE_SIZE < to; tx++) {
      const key = tileKey(tx, ty);
      let tile = this.tiles.get(key);
      if (!tile) {
        if (value === 0) continue;
        beforeChange?.(key);
        tile = new Uint8Array(TILE_AREA);
        this.tiles.set(key, tile);
      } else {
        beforeChange?.(key);
      }
      const start = Math.max(from, tx * TILE_SIZE) - tx * TILE_SIZE;
      const end = Math.min(to, (tx + 1) * TILE_SIZE) - tx * TILE_SIZE;
      tile.fill(value, rowOffset + start, rowOffset + end);
      this.tileCounts.delete(key);
    }
  }

  /**
   * Paints (1) or erases (0) a capsule: the disc of `radius` image pixels swept from (ax, ay) to (bx, by),
   * image pixels. A single dab is a segment of length 0. Returns the keys of the tiles it touched.
   */
  paintCapsule(
    ax: number,
    ay: number,
    bx: number,
    by: number,
    radius: number,
    value: MaskValue,
    beforeChange?: BeforeTileChange,
  ): Set<number> {
    const s = this.scale;
    const [max, may, mbx, mby, r] = [ax / s, ay / s, bx / s, by / s, radius / s];
    return this.paintRows(value, beforeChange, (fill) => {
      if (!(r > 0)) return;
      const firstRow = Math.max(0, Math.ceil(Math.min(may, mby) - r - 0.5));
      const lastRow = Math.min(this.gridHeight - 1, Math.floor(Math.max(may, mby) + r - 0.5));
      for (let y = firstRow; y <= lastRow; y++) {
        const span = capsuleRowInterval(max, may, mbx, mby, r, y + 0.5);
        // Pixel x is inside when from <= x + 0.5 <= to.
        if (span) fill(y, Math.ceil(span[0] - 0.5), Math.floor(span[1] - 0.5) + 1);
      }
    });
  }

  /**
   * Paints or erases the union of polygons given in image pixels (the magic wand's outline, a shape
   * converted to a mask), rasterised by pixel centres exactly like the measurements.
   */
  paintPolygons(
    polygons: readonly PolygonRings[],
    value: MaskValue,
    beforeChange?: BeforeTileChange,
  ): Set<number> {
    const s = this.scale;
    const inMaskPixels = polygons.map((rings) => rings.map((ring) => Array.from(ring, (v) => v / s)));
    let top = Infinity;
    let bottom = -Infinity;
    for (const rings of inMaskPixels) {
      for (let i = 1; i < (rings[0]?.length ?? 0); i += 2) {
        top = Math.min(top, rings[0][i]);
        bottom = Math.max(bottom, rings[0][i]);
      }
    }
    // Only rows whose pixel centres the outer rings span can be inside.
    const firstRow = Math.max(0, Math.floor(top));
    const endRow = Math.min(this.gridHeight, Math.ceil(bottom) + 1);
    return this.paintRows(value, beforeChange, (fill) => {
      const rasterizer = new PolygonRasterizer(inMaskPixels, firstRow, endRow);
      for (let y = firstRow; y < endRow; y++) {
        const spans = rasterizer.rowSpans(y, this.gridWidth);
        for (let i = 0; i < spans.length; i += 2) fill(y, spans[i], spans[i + 1]);
      }
    });
  }

  /**
   * Runs a painting pass: `paint` calls `fill(row, x0, x1)` for each run of mask pixels to set. Each tile
   * is reported to `beforeChange` once, before its first change; tiles emptied by erasing are dropped.
   */
  private paintRows(
    value: MaskValue,
    beforeChange: BeforeTileChange | undefined,
    paint: (fill: (y: number, x0: number, x1: number) => void) => void,
  ): Set<number> {
    const touched = new Set<number>();
    const track = (key: number) => {
      if (!touched.has(key)) {
        touched.add(key);
        beforeChange?.(key);
      }
    };
    paint((y, x0, x1) => this.fillRow(y, x0, x1, value, track));
    if (value === 0) this.dropEmptyTiles(touched);
    return touched;
  }

  /**
   * Combines another mask on the same grid into this one: union adds its pixels, subtract removes them,
   * intersect keeps only pixels set in both.
   */
  combine(
    other: TiledMask,
    op: 'union' | 'subtract' | 'intersect',
    beforeChange?: BeforeTileChange,
  ): Set<number> {
    if (
      other.scale !== this.scale ||
      other.gridWidth !== this.gridWidth ||
      other.gridHeight !== this.gridHeight
    ) {
      throw new RangeError('masks on different grids cannot be combined');
    }
    const touched = new Set<number>();
    const keys = op === 'intersect' ? this.tileKeys() : other.tileKeys();
    for (const key of keys) {
      const mine = this.tiles.get(key);
      const theirs = other.tiles.get(key);
      if (!mine && op !== 'union') continue;
      const result = combineTile(mine, theirs, op);
      if (mine && result && sameBits(mine, result)) continue;
      touched.add(key);
      beforeChange?.(key);
      this.putTile(key, result);
    }
    return touched;
  }

  private dropEmptyTiles(keys: Iterable<number>): void {
    for (const key of keys) {
      const tile = this.tiles.get(key);
      if (tile && this.tileCount(key) === 0) {
        this.tiles.delete(key);
        this.tileCounts.delete(key);
      }
    }
  }

  private tileCount(key: number): number {
    let count = this.tileCounts.get(key);
    if (count === undefined) {
      const tile = this.tiles.get(key);
      count = 0;
      if (tile) for (let i = 0; i < TILE_AREA; i++) count += tile[i];
      this.tileCounts.set(key, count);
    }
    return count;
  }

  /** Number of set mask pixels. */
  count(): number {
    let total = 0;
    for (const key of this.tiles.keys()) total += this.tileCount(key);
    return total;
  }

  isEmpty(): boolean {
    return this.tiles.size === 0;
  }

  /** Set spans [x0, x1) of mask row y, in mask pixels, sorted and disjoint. */
  rowSpans(y: number): number[] {
    const spans: number[] = [];
    if (y < 0 || y >= this.gridHeight) return spans;
    const ty = Math.floor(y / TILE_SIZE);
    const rowOffset = (y % TILE_SIZE) * TILE_SIZE;
    const tilesAcross = Math.ceil(this.gridWidth / TILE_SIZE);
    for (let tx = 0; tx < tilesAcross; tx++) {
      const tile = this.tiles.get(tileKey(tx, ty));
      if (!tile) continue;
      const base = tx * TILE_SIZE;
      for (let i = 0; i < TILE_SIZE; i++) {
        if (!tile[rowOffset + i]) continue;
        let j = i + 1;
        while (j < TILE_SIZE && tile[rowOffset + j]) j++;
        const last = spans.length - 1;
        // A run reaching the previous tile's right edge continues it.
        if (last > 0 && spans[last] === base + i) spans[last] = base + j;
        else spans.push(base + i, base + j);
        i = j;
      }
    }
    return spans;
  }

  /** Bounds of the set pixels in mask pixels (right and bottom exclusive), or null when empty. */
  bounds(): { left: number; top: number; right: number; bottom: number } | null {
    let left = Infinity;
    let top = Infinity;
    let right = -Infinity;
    let bottom = -Infinity;
    for (const [key, tile] of this.tiles) {
      const { tx, ty } = tileOfKey(key);
      for (let row = 0; row < TILE_SIZE; row++) {
        const offset = row * TILE_SIZE;
        let first = -1;
        let last = -1;
        for (let col = 0; col < TILE_SIZE; col++) {
          if (tile[offset + col]) {
            if (first < 0) first = col;
            last = col;
          }
        }
        if (first < 0) continue;
        left = Math.min(left, tx * TILE_SIZE + first);
        right = Math.max(right, tx * TILE_SIZE + last + 1);
        top = Math.min(top, ty * TILE_SIZE + row);
        bottom = Math.max(bottom, ty * TILE_SIZE + row + 1);
      }
    }
    return left === Infinity ? null : { left, top, right, bottom };
  }

  /** The mask cropped to its set pixels, run-length encoded (rle.ts). */
  encode(): EncodedMask {
    const box = this.bounds();
    if (!box) return { scale: this.scale, left: 0, top: 0, width: 0, height: 0, counts: [0] };
    const width = box.right - box.left;
    const counts: number[] = [];
    let zeros = 0;
    for (let y = box.top; y < box.bottom; y++) {
      const spans = this.rowSpans(y);
      let x = box.left;
      for (let i = 0; i < spans.length; i += 2) {
        zeros += spans[i] - x;
        const last = counts.length - 1;
        // A run of ones that starts a row right after the previous row's run of ones continues it.
        if (zeros === 0 && counts.length > 0) counts[last] += spans[i + 1] - spans[i];
        else counts.push(zeros, spans[i + 1] - spans[i]);
        zeros = 0;
        x = spans[i + 1];
      }
      zeros += box.left + width - x;
    }
    if (zeros > 0) counts.push(zeros);
    return { scale: this.scale, left: box.left, top: box.top, width, height: box.bottom - box.top, counts };
  }

  /** A mask from its encoded form, on the grid of an image of the given size. */
  static decode(encoded: EncodedMask, imageWidth: number, imageHeight: number): TiledMask {
    const mask = new TiledMask(imageWidth, imageHeight, encoded.scale);
    if (encoded.left + encoded.width > mask.gridWidth || encoded.top + encoded.height > mask.gridHeight) {
      throw new RangeError(
        `the mask (${encoded.left + encoded.width} x ${encoded.top + encoded.height} mask pixels at scale ${encoded.scale}) does not fit an image of ${imageWidth} x ${imageHeight}`,
      );
    }
    const { width, counts } = encoded;
    const length = width * encoded.height;
    const covered = runsLength(counts);
    if (covered !== length) throw new RangeError(`the runs cover ${covered} pixels, not ${length}`);
    // Runs of ones are painted row by row straight into the tiles: a bitmap of the whole box (up to
    // 2^31 mask pixels) is never allocated, only the tiles that hold set pixels.
    let at = 0;
    for (let i = 0; i < counts.length; i++) {
      const run = counts[i]!;
      if (i % 2 === 1) {
        for (let start = at, end = at + run; start < end;) {
          const row = Math.floor(start / width);
          const x0 = start - row * width;
          const x1 = Math.min(width, x0 + (end - start));
          mask.fillRow(encoded.top + row, encoded.left + x0, encoded.left + x1, 1);
          start += x1 - x0;
        }
      }
      at += run;
    }
    return mask;
  }

  clone(): TiledMask {
    const copy = new TiledMask(this.imageWidth, this.imageHeight, this.scale);
    for (const [key, tile] of this.tiles) copy.tiles.set(key, tile.slice());
    return copy;
  }
}

/** One tile of a combination; undefined tiles are empty. Plain loops: this runs over whole masks. */
function combineTile(
  mine: Uint8Array | undefined,
  theirs: Uint8Array | undefined,
  op: 'union' | 'subtract' | 'intersect',
): Uint8Array | null {
  if (!theirs) return op === 'intersect' ? null : (mine ?? null);
  if (!mine) return op === 'union' ? theirs : null;
  const out = new Uint8Array(TILE_AREA);
  if (op === 'union') for (let i = 0; i < TILE_AREA; i++) out[i] = mine[i] | theirs[i];
  else if (op === 'subtract') for (let i = 0; i < TILE_AREA; i++) out[i] = mine[i] & (theirs[i] ^ 1);
  else for (let i = 0; i < TILE_AREA; i++) out[i] = mine[i] & theirs[i];
  return out;
}

function isAllZero(bits: Uint8Array): boolean {
  for (let i = 0; i < bits.length; i++) if (bits[i]) return false;
  return true;
}

function sameBits(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
