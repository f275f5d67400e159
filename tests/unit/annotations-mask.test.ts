import { describe, expect, it } from 'vitest';
import { countOnes, decodeRuns, encodeRuns, restoreTile, snapshotTile } from '../../shared/annotations/rle';
import { TILE_AREA, TILE_SIZE, TiledMask, tileKey } from '../../shared/annotations/tiled-mask';
import { EncodedMaskSchema } from '../../shared/annotations/types';
import { rasterizedArea } from '../../shared/geometry/rasterize';
import { ellipseToRing } from '../../shared/geometry/shapes';

/** A fixed linear congruential generator, so every run uses the same "random" data. */
function seededRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const distanceToSegment = (px: number, py: number, ax: number, ay: number, bx: number, by: number) => {
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
};

/** Every mask pixel as a 0/1 bitmap of the whole grid, from the row spans (checked against get() below). */
const bitmapOf = (mask: TiledMask) => {
  const bits = new Uint8Array(mask.gridWidth * mask.gridHeight);
  for (let y = 0; y < mask.gridHeight; y++) {
    const spans = mask.rowSpans(y);
    for (let i = 0; i < spans.length; i += 2)
      bits.fill(1, y * mask.gridWidth + spans[i], y * mask.gridWidth + spans[i + 1]);
  }
  return bits;
};

/** Index of the first differing pixel, or -1: far faster than a deep equality on a big typed array. */
const firstDifference = (a: Uint8Array, b: Uint8Array) =>
  a.length !== b.length ? 0 : a.findIndex((v, i) => v !== b[i]);

describe('run-length encoding', () => {
  it('writes alternating runs starting with zeros, row-major, and reads them back', () => {
    expect(encodeRuns([1, 1, 0, 0, 0, 1])).toEqual([0, 2, 3, 1]);
    expect(encodeRuns([0, 0, 0])).toEqual([3]);
    expect(encodeRuns([1, 1])).toEqual([0, 2]);
    expect(encodeRuns([])).toEqual([0]);
    const random = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const bits = Uint8Array.from({ length: 500 }, () => (random() < 0.3 ? 1 : 0));
      const counts = encodeRuns(bits);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(500);
      expect(countOnes(counts)).toBe(bits.reduce((a, b) => a + b, 0));
      expect(decodeRuns(counts, 500)).toEqual(bits);
      expect(restoreTile(snapshotTile(bits), 500)).toEqual(bits);
    }
  });

  it('refuses runs that do not fill the bitmap', () => {
    expect(() => decodeRuns([2, 3], 6)).toThrow('cover 5 pixels, not 6');
  });
});

describe('tiled mask painting', () => {
  it('paints a brush dab as a disc of the given radius', () => {
    const mask = new TiledMask(1000, 800);
    mask.paintCapsule(400, 300, 400, 300, 50, 1);
    expect(Math.abs(mask.count() - Math.PI * 2500) / (Math.PI * 2500)).toBeLessThan(0.005);
    expect(mask.get(400, 300)).toBe(1);
    expect(mask.get(400, 251)).toBe(1);
    expect(mask.get(400, 249)).toBe(0);
  });

  it('paints exactly the pixels whose centres lie within the radius of the stroke', () => {
    const random = seededRandom(99);
    for (let trial = 0; trial < 30; trial++) {
      const mask = new TiledMask(120, 90);
      const [ax, ay, bx, by] = [random() * 120, random() * 90, random() * 120, random() * 90];
      const r = 1 + random() * 15;
      mask.paintCapsule(ax, ay, bx, by, r, 1);
      const spans = bitmapOf(mask);
      const wrong: string[] = [];
      for (let y = 0; y < 90; y++) {
        for (let x = 0; x < 120; x++) {
          const d = distanceToSegment(x + 0.5, y + 0.5, ax, ay, bx, by);
          if (Math.abs(d - r) < 1e-9) continue; // exactly on the rim: either answer is right
          const expected = d <= r ? 1 : 0;
          if (mask.get(x, y) !== expected || spans[y * 120 + x] !== expected)
            wrong.push(`${x},${y} (distance ${d}, radius ${r})`);
        }
      }
      expect(wrong).toEqual([]);
    }
  });

  it('creates only the tiles a stroke touches, and erasing drops tiles that become empty', () => {
    const mask = new TiledMask(2000, 2000);
    const touched = mask.paintCapsule(10, 10, 20, 20, 5, 1);
    expect([...touched]).toEqual([tileKey(0, 0)]);
    mask.paintCapsule(TILE_SIZE - 3, 100, TILE_SIZE + 3, 100, 4, 1);
    expect(mask.tileKeys()).toEqual([tileKey(0, 0), tileKey(1, 0)]);
    mask.paintCapsule(TILE_SIZE, 100, TILE_SIZE, 100, 30, 0);
    expect(mask.tileKeys()).toEqual([tileKey(0, 0)]);
    expect(mask.tile(tileKey(1, 0))).toBeUndefined();
  });

  it('clips painting to the image', () => {
    const mask = new TiledMask(100, 50);
    mask.paintCapsule(0, 0, 0, 0, 10, 1);
    // A quarter disc stays inside; nothing is stored outside the grid.
    expect(Math.abs(mask.count() - (Math.PI * 100) / 4)).toBeLessThan(6);
    expect(mask.rowSpans(-1)).toEqual([]);
    expect(mask.rowSpans(0)[0]).toBe(0);
  });

  it('paints at a declared scale: one mask pixel per scale x scale image pixels', () => {
    const mask = new TiledMask(4001, 3000, 4);
    expect([mask.gridWidth, mask.gridHeight]).toEqual([1001, 750]);
    mask.paintCapsule(2000, 1500, 2000, 1500, 200, 1);
    expect(Math.abs(mask.count() - Math.PI * 50 * 50) / (Math.PI * 2500)).toBeLessThan(0.01);
    expect(() => new TiledMask(10, 10, 1.5)).toThrow('whole number');
  });

  it('paints polygons exactly as the rasteriser counts them', () => {
    const ring = ellipseToRing({ cx: 300, cy: 260, rx: 180, ry: 90, rotation: 0.5 });
    const hole = ellipseToRing({ cx: 300, cy: 260, rx: 40, ry: 30 });
    const mask = new TiledMask(700, 600);
    mask.paintPolygons([[ring, hole]], 1);
    expect(mask.count()).toBe(rasterizedArea([[ring, hole]], 700, 600));
    mask.paintPolygons([[hole]], 1);
    expect(mask.count()).toBe(rasterizedArea([[ring]], 700, 600));
  });

  it('combines masks by union, subtraction and intersection', () => {
    const a = new TiledMask(600, 300);
    const b = new TiledMask(600, 300);
    a.paintCapsule(100, 150, 320, 150, 60, 1);
    b.paintCapsule(280, 150, 500, 150, 60, 1);
    const bitsA = bitmapOf(a);
    const bitsB = bitmapOf(b);
    const expectOp = (op: 'union' | 'subtract' | 'intersect', f: (x: number, y: number) => number) => {
      const result = a.clone();
      result.combine(b, op);
      expect(
        firstDifference(
          bitmapOf(result),
          bitsA.map((v, i) => f(v, bitsB[i])),
        ),
      ).toBe(-1);
    };
    expectOp('union', (x, y) => x | y);
    expectOp('subtract', (x, y) => x & (1 - y));
    expectOp('intersect', (x, y) => x & y);
    expect(() => a.combine(new TiledMask(600, 300, 2), 'union')).toThrow('different grids');
  });
});

describe('encoded masks', () => {
  it('crop to the set pixels and round-trip through JSON', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 10; trial++) {
      const mask = new TiledMask(900, 700, 1 + (trial % 3));
      for (let s = 0; s < 6; s++) {
        mask.paintCapsule(
          random() * 900,
          random() * 700,
          random() * 900,
          random() * 700,
          3 + random() * 40,
          random() < 0.75 ? 1 : 0,
        );
      }
      const encoded = mask.encode();
      expect(EncodedMaskSchema.safeParse(encoded).success).toBe(true);
      const bounds = mask.bounds();
      if (bounds)
        expect([encoded.left, encoded.top, encoded.width, encoded.height]).toEqual([
          bounds.left,
          bounds.top,
          bounds.right - bounds.left,
          bounds.bottom - bounds.top,
        ]);
      expect(countOnes(encoded.counts)).toBe(mask.count());
      const back = TiledMask.decode(JSON.parse(JSON.stringify(encoded)), 900, 700);
      expect(firstDifference(bitmapOf(back), bitmapOf(mask))).toBe(-1);
      expect(back.encode()).toEqual(encoded);
    }
  });

  it('encodes an empty mask and refuses one that does not fit the image', () => {
    const empty = new TiledMask(50, 50).encode();
    expect(empty).toEqual({ scale: 1, left: 0, top: 0, width: 0, height: 0, counts: [0] });
    expect(TiledMask.decode(empty, 50, 50).isEmpty()).toBe(true);
    expect(() =>
      TiledMask.decode({ scale: 1, left: 40, top: 0, width: 20, height: 1, counts: [0, 20] }, 50, 50),
    ).toThrow('does not fit');
    expect(
      EncodedMaskSchema.safeParse({ scale: 1, left: 0, top: 0, width: 2, height: 2, counts: [1, 2] }).success,
    ).toBe(false);
  });

  it('keeps a full tile as a few runs', () => {
    const tile = new Uint8Array(TILE_AREA).fill(1);
    expect(snapshotTile(tile).byteLength).toBe(8);
  });
});
