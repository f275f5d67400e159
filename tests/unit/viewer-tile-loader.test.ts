/** The viewer's tile cache (LRU by count and bytes) and loader (bounded, cancels stale requests). */
import { describe, expect, it } from 'vitest';
import type { TileAddress } from '../../shared/geometry/tiles';
import { TileBitmapCache, type TileBitmap } from '../../renderer/viewer/tile-bitmap-cache';
import { TileLoader, tileKey } from '../../renderer/viewer/tile-loader';

class FakeBitmap implements TileBitmap {
  closed = false;
  constructor(
    readonly width = 512,
    readonly height = 512,
  ) {}
  close() {
    this.closed = true;
  }
}

describe('TileBitmapCache', () => {
  it('evicts the least recently used tile past its count, and closes it', () => {
    const cache = new TileBitmapCache<FakeBitmap>(2, Infinity);
    const [a, b, c] = [new FakeBitmap(), new FakeBitmap(), new FakeBitmap()];
    cache.set('a', a);
    cache.set('b', b);
    cache.get('a'); // a is now newer than b
    cache.set('c', c);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(b.closed).toBe(true);
    expect(a.closed).toBe(false);
  });

  it('counts decoded bytes (4 per pixel), narrow edge tiles less', () => {
    const cache = new TileBitmapCache<FakeBitmap>(100, 512 * 512 * 4 + 100 * 512 * 4);
    cache.set('full', new FakeBitmap());
    cache.set('edge', new FakeBitmap(100, 512));
    expect(cache.size).toBe(2);
    cache.set('one more', new FakeBitmap(10, 10));
    expect(cache.has('full')).toBe(false);
    expect(cache.byteSize).toBe(100 * 512 * 4 + 10 * 10 * 4);
  });

  it('never closes a tile on screen, even past its bounds', () => {
    const cache = new TileBitmapCache<FakeBitmap>(1, Infinity);
    const drawn = new FakeBitmap();
    cache.set('drawn', drawn);
    cache.keep(new Set(['drawn']));
    cache.set('new', new FakeBitmap());
    expect(drawn.closed).toBe(false);
    expect(cache.has('drawn')).toBe(true);
    cache.keep(new Set(['new']));
    expect(drawn.closed).toBe(true);
    expect(cache.size).toBe(1);
  });
});

function controllableFetch() {
  const pending = new Map<string, { resolve: (b: ImageBitmap) => void; signal: AbortSignal }>();
  const fetchTile = (url: string, signal: AbortSignal) =>
    new Promise<ImageBitmap>((resolve, reject) => {
      pending.set(url, { resolve, signal });
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  return { pending, fetchTile };
}

const tiles = (n: number): TileAddress[] => Array.from({ length: n }, (_v, x) => ({ level: 0, x, y: 0 }));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('TileLoader', () => {
  it('keeps at most six requests in flight, in the order asked', () => {
    const { pending, fetchTile } = controllableFetch();
    const cache = new TileBitmapCache<ImageBitmap>(100, Infinity);
    const loader = new TileLoader(tileKey, cache, () => undefined, fetchTile);
    loader.want(tiles(10));
    expect([...pending.keys()]).toEqual(['0/0/0', '0/1/0', '0/2/0', '0/3/0', '0/4/0', '0/5/0']);
  });

  it('aborts requests for tiles no longer wanted and starts the new ones', async () => {
    const { pending, fetchTile } = controllableFetch();
    const cache = new TileBitmapCache<ImageBitmap>(100, Infinity);
    let loaded = 0;
    const loader = new TileLoader(tileKey, cache, () => (loaded += 1), fetchTile);
    loader.want(tiles(3));
    const first = pending.get('0/0/0')!;
    loader.want([
      { level: 1, x: 0, y: 0 },
      { level: 0, x: 2, y: 0 },
    ]);
    expect(first.signal.aborted).toBe(true);
    expect(pending.get('0/1/0')!.signal.aborted).toBe(true);
    expect(pending.get('0/2/0')!.signal.aborted).toBe(false); // still wanted: not asked twice
    expect(pending.has('1/0/0')).toBe(true);
    first.resolve(new FakeBitmap() as unknown as ImageBitmap); // a late answer to a stale request
    pending.get('1/0/0')!.resolve(new FakeBitmap() as unknown as ImageBitmap);
    await flush();
    expect(cache.has('0/0/0')).toBe(false);
    expect(cache.has('1/0/0')).toBe(true);
    expect(loaded).toBe(1);
    loader.cancelAll();
    expect(pending.get('0/2/0')!.signal.aborted).toBe(true);
  });

  it('does not ask again for a tile it has or that failed', async () => {
    const asked: string[] = [];
    const cache = new TileBitmapCache<ImageBitmap>(100, Infinity);
    const loader = new TileLoader(
      tileKey,
      cache,
      () => undefined,
      async (url) => {
        asked.push(url);
        if (url === '0/1/0') throw new Error('404');
        return new FakeBitmap() as unknown as ImageBitmap;
      },
    );
    loader.want(tiles(2));
    await flush();
    loader.want(tiles(2));
    await flush();
    expect(asked).toEqual(['0/0/0', '0/1/0']);
  });
});
