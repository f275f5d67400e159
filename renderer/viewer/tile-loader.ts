import type { TileAddress } from '../../shared/geometry/tiles';
import type { TileBitmapCache } from './tile-bitmap-cache';

export const tileKey = ({ level, x, y }: TileAddress): string => `${level}/${x}/${y}`;

/** Fetches at once: what a browser allows per host over HTTP/1.1; the server renders two at a time anyway. */
const MAX_IN_FLIGHT = 6;

export type FetchTile = (url: string, signal: AbortSignal) => Promise<ImageBitmap>;

/** fetch (cancellable, unlike an <img>) and decode off the main thread. */
export const fetchTileBitmap: FetchTile = async (url, signal) => {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`tile answered ${response.status}`);
  return createImageBitmap(await response.blob());
};

/**
 * Loads the tiles the view wants into a cache, a few at a time, in the order asked (nearest the centre
 * first). Each `want` replaces the previous wish: requests for tiles no longer wanted are aborted (the
 * server then drops their queued renders), so a fast pan never waits behind tiles already off screen.
 * A tile that failed is not asked for again by this loader: the preview under it still shows.
 */
export class TileLoader {
  private readonly inFlight = new Map<string, AbortController>();
  private readonly failed = new Set<string>();
  private queue: TileAddress[] = [];

  constructor(
    private readonly urlOf: (tile: TileAddress) => string,
    private readonly cache: TileBitmapCache<ImageBitmap>,
    private readonly onLoaded: () => void,
    private readonly fetchTile: FetchTile = fetchTileBitmap,
  ) {}

  want(tiles: readonly TileAddress[]): void {
    const wanted = new Set(tiles.map(tileKey));
    for (const [key, request] of this.inFlight) {
      if (!wanted.has(key)) {
        request.abort();
        this.inFlight.delete(key);
      }
    }
    this.queue = tiles.filter((tile) => {
      const key = tileKey(tile);
      return !this.cache.has(key) && !this.inFlight.has(key) && !this.failed.has(key);
    });
    this.pump();
  }

  /** Abort everything (the image left the screen); a later `want` starts again. */
  cancelAll(): void {
    this.queue = [];
    for (const request of this.inFlight.values()) request.abort();
    this.inFlight.clear();
  }

  private pump(): void {
    while (this.inFlight.size < MAX_IN_FLIGHT && this.queue.length > 0) {
      void this.load(this.queue.shift()!);
    }
  }

  private async load(tile: TileAddress): Promise<void> {
    const key = tileKey(tile);
    const request = new AbortController();
    this.inFlight.set(key, request);
    try {
      const bitmap = await this.fetchTile(this.urlOf(tile), request.signal);
      if (request.signal.aborted) bitmap.close();
      else {
        this.cache.set(key, bitmap);
        this.onLoaded();
      }
    } catch {
      if (!request.signal.aborted) this.failed.add(key);
    } finally {
      if (this.inFlight.get(key) === request) this.inFlight.delete(key);
      this.pump();
    }
  }
}
