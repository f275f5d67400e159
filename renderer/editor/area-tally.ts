/**
 * Live measurements of one image, kept up to date incrementally: the image is cut into 256 x 256 pixel
 * tiles and each tile keeps how many of its pixels carry each combination of classes. A change
 * re-counts only the tiles it touched (a brush dab: one to four tiles), and the totals are sums over a
 * few hundred small maps, so a 16-megapixel image updates in milliseconds rather than by rasterising
 * everything again.
 *
 * Pixels follow the measurement rule of the analysis (shared/geometry/rasterize.ts): a pixel belongs to
 * a shape when its centre is inside; shapes of one class are unioned (overlaps count once). The stained
 * fraction counts stained pixels inside the regions of interest minus the exclusions; without any
 * region of interest, inside the whole image minus the exclusions.
 */
import type { AnnotationDocument, DocAnnotation } from '../../shared/annotations/document';
import { TILE_SIZE, tileKey, tileOfKey } from '../../shared/annotations/tiled-mask';
import type { ClassRole } from '../../shared/annotations/types';
import { multiPolygonBBox } from '../../shared/geometry/measure';
import { PolygonRasterizer } from '../../shared/geometry/rasterize';

const T = TILE_SIZE;
/** Class bits per pixel: 30 keeps every combination a positive small integer. */
export const MAX_MEASURED_CLASSES = 30;

/** Tiles an annotation may cover, inclusive, in tile units. */
interface TileRange {
  tx0: number;
  ty0: number;
  tx1: number;
  ty1: number;
}

export interface ClassArea {
  classId: number;
  px: number;
}

export interface Measurements {
  imagePx: number;
  classes: ClassArea[];
  /** Whether any region of interest covers a pixel. */
  hasRoi: boolean;
  /** Pixels the fraction is taken over: ROI (or the whole image) minus exclusions. */
  analysedPx: number;
  /** Stained pixels inside the analysed pixels. */
  stainedPx: number;
  /** stainedPx / analysedPx, or null when nothing is analysed. */
  stainedFraction: number | null;
  /** Classes that could not be measured because the image uses more than MAX_MEASURED_CLASSES. */
  unmeasuredClassIds: number[];
}

const overlaps = (a: TileRange, tx: number, ty: number) =>
  tx >= a.tx0 && tx <= a.tx1 && ty >= a.ty0 && ty <= a.ty1;

export class AreaTally {
  private readonly tilesAcross: number;
  private readonly tilesDown: number;
  /** Per tile: class-combination bits -> pixel count. Tiles without any class are absent. */
  private readonly tiles = new Map<number, Map<number, number>>();
  /** The tiles each annotation was last counted in, so a change also clears where it used to be. */
  private readonly ranges = new Map<string, TileRange>();
  private readonly slots = new Map<number, number>();
  private readonly unmeasured = new Set<number>();
  private readonly dirty = new Set<number>();
  private readonly scratch = new Uint32Array(T * T);

  constructor(private readonly doc: AnnotationDocument) {
    this.tilesAcross = Math.ceil(doc.imageWidth / T);
    this.tilesDown = Math.ceil(doc.imageHeight / T);
    this.markAll();
  }

  /** Everything again (a document loaded or replaced). */
  markAll(): void {
    this.ranges.clear();
    for (const annotation of this.doc.values()) this.markAnnotation(annotation.id);
    for (const key of this.tiles.keys()) this.dirty.add(key);
  }

  /** A whole annotation changed, appeared or went: its old and new tiles are re-counted. */
  markAnnotation(id: string): void {
    const old = this.ranges.get(id);
    if (old) this.markRange(old);
    const annotation = this.doc.get(id);
    const range = annotation ? this.rangeOf(annotation) : null;
    if (range) {
      this.ranges.set(id, range);
      this.markRange(range);
    } else {
      this.ranges.delete(id);
    }
  }

  /**
   * Some tiles of a mask changed (a brush dab, an undo of one): only the image tiles under those mask
   * tiles are re-counted, and the annotation's range grows to include them.
   */
  markMaskTiles(id: string, maskTileKeys: Iterable<number>): void {
    const mask = this.doc.mask(id);
    if (!mask) {
      this.markAnnotation(id);
      return;
    }
    const s = mask.scale;
    let range = this.ranges.get(id);
    for (const key of maskTileKeys) {
      const { tx, ty } = tileOfKey(key);
      // A mask tile covers T*s image pixels: s x s image tiles.
      const r: TileRange = {
        tx0: tx * s,
        ty0: ty * s,
        tx1: Math.min(this.tilesAcross - 1, (tx + 1) * s - 1),
        ty1: Math.min(this.tilesDown - 1, (ty + 1) * s - 1),
      };
      this.markRange(r);
      range = range
        ? {
            tx0: Math.min(range.tx0, r.tx0),
            ty0: Math.min(range.ty0, r.ty0),
            tx1: Math.max(range.tx1, r.tx1),
            ty1: Math.max(range.ty1, r.ty1),
          }
        : r;
    }
    if (range) this.ranges.set(id, range);
  }

  /** Re-counts the tiles marked since the last flush. */
  flush(): void {
    if (this.dirty.size === 0) return;
    const byBand = new Map<number, number[]>();
    for (const key of this.dirty) {
      const { tx, ty } = tileOfKey(key);
      const band = byBand.get(ty);
      if (band) band.push(tx);
      else byBand.set(ty, [tx]);
    }
    this.dirty.clear();
    for (const [ty, txs] of byBand) this.countBand(ty, txs);
  }

  /** Totals for the given class roles (flushes pending tiles first). */
  measure(roleOf: (classId: number) => ClassRole | undefined): Measurements {
    this.flush();
    const slotClass: number[] = [];
    for (const [classId, slot] of this.slots) slotClass[slot] = classId;
    let roiBits = 0;
    let excludeBits = 0;
    let stainedBits = 0;
    slotClass.forEach((classId, slot) => {
      const role = roleOf(classId);
      if (role === 'roi') roiBits |= 1 << slot;
      else if (role === 'exclude') excludeBits |= 1 << slot;
      else if (role === 'stained') stainedBits |= 1 << slot;
    });
    const perSlot = new Array<number>(slotClass.length).fill(0);
    let roiPx = 0;
    let roiAnalysed = 0;
    let roiStained = 0;
    let excluded = 0;
    let stainedNotExcluded = 0;
    for (const combos of this.tiles.values()) {
      for (const [bits, n] of combos) {
        for (let slot = 0; slot < slotClass.length; slot++) if (bits & (1 << slot)) perSlot[slot] += n;
        const inRoi = (bits & roiBits) !== 0;
        const isExcluded = (bits & excludeBits) !== 0;
        const isStained = (bits & stainedBits) !== 0;
        if (inRoi) roiPx += n;
        if (isExcluded) excluded += n;
        else if (isStained) stainedNotExcluded += n;
        if (inRoi && !isExcluded) {
          roiAnalysed += n;
          if (isStained) roiStained += n;
        }
      }
    }
    const imagePx = this.doc.imageWidth * this.doc.imageHeight;
    const hasRoi = roiPx > 0;
    const analysedPx = hasRoi ? roiAnalysed : imagePx - excluded;
    const stainedPx = hasRoi ? roiStained : stainedNotExcluded;
    return {
      imagePx,
      classes: slotClass.map((classId, slot) => ({ classId, px: perSlot[slot] })),
      hasRoi,
      analysedPx,
      stainedPx,
      stainedFraction: analysedPx > 0 ? stainedPx / analysedPx : null,
      unmeasuredClassIds: [...this.unmeasured],
    };
  }

  private markRange(range: TileRange): void {
    for (let ty = range.ty0; ty <= range.ty1; ty++)
      for (let tx = range.tx0; tx <= range.tx1; tx++) this.dirty.add(tileKey(tx, ty));
  }

  private rangeOf(annotation: DocAnnotation): TileRange | null {
    const g = annotation.geometry;
    const W = this.doc.imageWidth;
    const H = this.doc.imageHeight;
    let box: { left: number; top: number; right: number; bottom: number } | null = null;
    if (g.type === 'polygons') {
      const b = multiPolygonBBox(g.polygons);
      if (b) box = { left: b.minX, top: b.minY, right: b.maxX, bottom: b.maxY };
    } else if (g.type === 'mask') {
      // From the tile keys, not mask.bounds(): that scans every pixel of every tile.
      const span = T * g.mask.scale;
      for (const key of g.mask.tileKeys()) {
        const { tx, ty } = tileOfKey(key);
        const tileBox = {
          left: tx * span,
          top: ty * span,
          right: (tx + 1) * span - 1,
          bottom: (ty + 1) * span - 1,
        };
        box = box
          ? {
              left: Math.min(box.left, tileBox.left),
              top: Math.min(box.top, tileBox.top),
              right: Math.max(box.right, tileBox.right),
              bottom: Math.max(box.bottom, tileBox.bottom),
            }
          : tileBox;
      }
    }
    if (!box || box.right < 0 || box.bottom < 0 || box.left > W || box.top > H) return null;
    const clampX = (v: number) => Math.min(this.tilesAcross - 1, Math.max(0, Math.floor(v / T)));
    const clampY = (v: number) => Math.min(this.tilesDown - 1, Math.max(0, Math.floor(v / T)));
    return { tx0: clampX(box.left), ty0: clampY(box.top), tx1: clampX(box.right), ty1: clampY(box.bottom) };
  }

  private slotOf(classId: number): number | null {
    let slot = this.slots.get(classId);
    if (slot === undefined) {
      if (this.slots.size >= MAX_MEASURED_CLASSES) {
        this.unmeasured.add(classId);
        return null;
      }
      slot = this.slots.size;
      this.slots.set(classId, slot);
    }
    return slot;
  }

  /** Re-counts some tiles of one band of tile rows; each shape is rasterised once for the whole band. */
  private countBand(ty: number, txs: number[]): void {
    const W = this.doc.imageWidth;
    const top = ty * T;
    const bottom = Math.min(this.doc.imageHeight, top + T);
    const rows = bottom - top;
    const inBand = this.doc.values().filter((a) => {
      const range = this.ranges.get(a.id);
      return range && txs.some((tx) => overlaps(range, tx, ty));
    });
    // Row spans of each vector shape across the whole band, computed once and shared by its tiles.
    const bandSpans = new Map<string, number[][]>();
    for (const a of inBand) {
      if (a.geometry.type !== 'polygons') continue;
      const rings = a.geometry.polygons.map((p) => [p.outer, ...p.holes]);
      const rasterizer = new PolygonRasterizer(rings, top, bottom);
      const spans: number[][] = [];
      for (let r = 0; r < rows; r++) spans.push(rasterizer.rowSpans(top + r, W));
      bandSpans.set(a.id, spans);
    }
    for (const tx of txs) {
      const key = tileKey(tx, ty);
      const left = tx * T;
      const right = Math.min(W, left + T);
      const bits = this.scratch;
      bits.fill(0);
      let any = false;
      for (const a of inBand) {
        const range = this.ranges.get(a.id) as TileRange;
        if (!overlaps(range, tx, ty)) continue;
        const slot = this.slotOf(a.classId);
        if (slot === null) continue;
        const bit = 1 << slot;
        if (a.geometry.type === 'polygons') {
          any = fillSpans(bits, bandSpans.get(a.id) as number[][], left, right, bit) || any;
        } else if (a.geometry.type === 'mask') {
          any = fillMask(bits, a.geometry.mask, tx, ty, top, rows, left, right, bit) || any;
        }
      }
      if (any) this.tiles.set(key, countCombos(bits, rows, right - left));
      else this.tiles.delete(key);
    }
  }
}

function fillSpans(bits: Uint32Array, spans: number[][], left: number, right: number, bit: number): boolean {
  let any = false;
  for (let r = 0; r < spans.length; r++) {
    const row = spans[r];
    const offset = r * T - left;
    for (let i = 0; i < row.length; i += 2) {
      const from = Math.max(left, row[i]);
      const to = Math.min(right, row[i + 1]);
      for (let x = from; x < to; x++) bits[offset + x] |= bit;
      if (to > from) any = true;
    }
  }
  return any;
}

type Mask = NonNullable<ReturnType<AnnotationDocument['mask']>>;

function fillMask(
  bits: Uint32Array,
  mask: Mask,
  tx: number,
  ty: number,
  top: number,
  rows: number,
  left: number,
  right: number,
  bit: number,
): boolean {
  let any = false;
  if (mask.scale === 1) {
    // Mask tiles and image tiles coincide: copy the bitmap straight across.
    const tile = mask.tile(tileKey(tx, ty));
    if (!tile) return false;
    const width = right - left;
    for (let r = 0; r < rows; r++) {
      const offset = r * T;
      for (let x = 0; x < width; x++) {
        if (tile[offset + x]) {
          bits[offset + x] |= bit;
          any = true;
        }
      }
    }
    return any;
  }
  const s = mask.scale;
  for (let r = 0; r < rows; r++) {
    const spans = mask.rowSpans(Math.floor((top + r) / s));
    const offset = r * T - left;
    for (let i = 0; i < spans.length; i += 2) {
      const from = Math.max(left, spans[i] * s);
      const to = Math.min(right, spans[i + 1] * s);
      for (let x = from; x < to; x++) bits[offset + x] |= bit;
      if (to > from) any = true;
    }
  }
  return any;
}

/** Pixel counts per class combination, run by run (neighbouring pixels mostly share a combination). */
function countCombos(bits: Uint32Array, rows: number, width: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let r = 0; r < rows; r++) {
    const offset = r * T;
    let current = bits[offset];
    let run = 0;
    for (let x = 0; x < width; x++) {
      const v = bits[offset + x];
      if (v === current) {
        run++;
        continue;
      }
      if (current !== 0) counts.set(current, (counts.get(current) ?? 0) + run);
      current = v;
      run = 1;
    }
    if (current !== 0) counts.set(current, (counts.get(current) ?? 0) + run);
  }
  return counts;
}
