/** What the cache holds: an ImageBitmap in the app, any closable picture in tests. */
export interface TileBitmap {
  width: number;
  height: number;
  close(): void;
}

/**
 * Decoded tiles in memory, least recently used first out, bounded both by count and by bytes (4 per
 * pixel, what a decoded bitmap costs). Tiles being drawn are kept (`keep`) even past the bounds: closing
 * a bitmap the stage still draws would make the canvas throw.
 */
export class TileBitmapCache<B extends TileBitmap = ImageBitmap> {
  private readonly entries = new Map<string, B>();
  private bytes = 0;
  private kept: ReadonlySet<string> = new Set();

  constructor(
    private readonly maxTiles: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The tile, now the most recently used. */
  get(key: string): B | undefined {
    const bitmap = this.entries.get(key);
    if (bitmap) {
      this.entries.delete(key);
      this.entries.set(key, bitmap);
    }
    return bitmap;
  }

  set(key: string, bitmap: B): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, bitmap);
    this.bytes += bitmap.width * bitmap.height * 4;
    this.trim(key); // the tile just loaded is about to be drawn
  }

  /** The tiles on screen now: never evicted until the next call. */
  keep(keys: ReadonlySet<string>): void {
    this.kept = keys;
    this.trim();
  }

  clear(): void {
    for (const [key, bitmap] of [...this.entries]) this.remove(key, bitmap);
  }

  private trim(newest?: string): void {
    for (const [key, bitmap] of [...this.entries]) {
      if (this.entries.size <= this.maxTiles && this.bytes <= this.maxBytes) return;
      if (!this.kept.has(key) && key !== newest) this.remove(key, bitmap);
    }
  }

  private remove(key: string, bitmap: B): void {
    this.entries.delete(key);
    this.bytes -= bitmap.width * bitmap.height * 4;
    bitmap.close();
  }
}
