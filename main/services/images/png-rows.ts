/**
 * A PNG read row by row, so the analysis can start on the first rows while the rest is still being
 * inflated. sharp (libvips) hands over pixels only when the whole image is decoded, and a PNG's image data
 * is one zlib stream, so nothing else can overlap decoding with analysis; the inflating itself is Node's
 * zlib (on the libuv thread pool), only the row filters (png-filters.ts) are ours.
 *
 * Only the common cases are read here: 8-bit RGB, RGBA, grey or grey with alpha, not interlaced, with no
 * chunk before the image data that would make libvips' pixels differ (colour profile, a transparent
 * colour, EXIF orientation...). Alpha is flattened onto white with libvips' own integer formula.
 * Everything else goes through sharp (planPngRows answers null), and the pixels of the common case are
 * byte for byte those sharp gives (tested), so the numbers never depend on which reader ran.
 */
import fsp from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { unfilterRow } from './png-filters';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG colour types read here, and their bytes per pixel. */
const BYTES_PER_PIXEL: Partial<Record<number, 1 | 2 | 3 | 4>> = { 0: 1, 2: 3, 4: 2, 6: 4 };
const COLOUR_RGB = 2;
/**
 * Chunks that may come before the image data without changing the pixels libvips decodes: palette
 * suggestions, gamma and chromaticity notes (libvips does not apply them), text, time, physical size.
 * Any other (iCCP, tRNS, eXIf, cICP, sBIT is harmless but rare...) sends the file to sharp.
 */
const NEUTRAL_CHUNKS = new Set([
  'PLTE',
  'gAMA',
  'cHRM',
  'sRGB',
  'pHYs',
  'tEXt',
  'zTXt',
  'iTXt',
  'tIME',
  'bKGD',
]);
/** Enough header chunks to look at before giving up and leaving the file to sharp. */
const MAX_HEADER_CHUNKS = 64;

export interface PngRowsPlan {
  width: number;
  height: number;
  /** Bytes per pixel in the file: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  bytesPerPixel: 1 | 2 | 3 | 4;
}

/**
 * Whether `file` can be read row by row (see above), and its layout; null sends it to sharp. Reads only
 * the chunk headers before the image data. `expected`: the size sharp reported (after orientation): a
 * mismatch means something this reader does not handle.
 */
export async function planPngRows(
  file: string,
  expected: { width: number; height: number },
): Promise<PngRowsPlan | null> {
  // Unreadable here: sharp then reads it, and words the error.
  const handle = await fsp.open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const header = Buffer.alloc(33);
    const { bytesRead } = await handle.read(header, 0, 33, 0);
    if (bytesRead < 33 || !header.subarray(0, 8).equals(SIGNATURE)) return null;
    if (header.toString('latin1', 12, 16) !== 'IHDR') return null;
    const width = header.readUInt32BE(16);
    const height = header.readUInt32BE(20);
    const [bitDepth, colourType, compression, filterMethod, interlace] = header.subarray(24, 29);
    if (width !== expected.width || height !== expected.height) return null;
    if (bitDepth !== 8 || compression !== 0 || filterMethod !== 0 || interlace !== 0) return null;
    const bytesPerPixel = BYTES_PER_PIXEL[colourType!];
    if (!bytesPerPixel) return null;
    let position = 8 + 8 + 13 + 4;
    const chunkHeader = Buffer.alloc(8);
    for (let i = 0; i < MAX_HEADER_CHUNKS; i++) {
      const read = await handle.read(chunkHeader, 0, 8, position);
      if (read.bytesRead < 8) return null;
      const type = chunkHeader.toString('latin1', 4, 8);
      if (type === 'IDAT') return { width, height, bytesPerPixel };
      // A palette is only a suggestion for colour images; in a grey one the file is malformed.
      if (!NEUTRAL_CHUNKS.has(type) || (type === 'PLTE' && colourType! < COLOUR_RGB)) return null;
      position += 12 + chunkHeader.readUInt32BE(0);
    }
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * libvips' flatten onto white for 8-bit samples (integer arithmetic, truncating): checked against sharp
 * for every value and alpha.
 */
const onWhite = (value: number, alpha: number): number => ((value * alpha + 255 * (255 - alpha)) / 255) | 0;

/** One rebuilt row of grey, grey + alpha or RGBA pixels, written into `target` at `at` as RGB. */
function toRgb(row: Uint8Array, bytesPerPixel: 1 | 2 | 4, target: Uint8Array, at: number): void {
  const pixels = row.length / bytesPerPixel;
  for (let x = 0, i = 0, o = at; x < pixels; x++, i += bytesPerPixel, o += 3) {
    if (bytesPerPixel === 4) {
      const alpha = row[i + 3]!;
      target[o] = onWhite(row[i]!, alpha);
      target[o + 1] = onWhite(row[i + 1]!, alpha);
      target[o + 2] = onWhite(row[i + 2]!, alpha);
    } else {
      const grey = bytesPerPixel === 2 ? onWhite(row[i]!, row[i + 1]!) : row[i]!;
      target[o] = grey;
      target[o + 1] = grey;
      target[o + 2] = grey;
    }
  }
}

/** A PNG's structure is broken (the caller words the message for the user). */
export class PngDataError extends Error {}

/**
 * Passes on the bytes of the IDAT chunks (the zlib stream), in order. The CRC of every IDAT chunk is
 * checked, as libpng does for critical chunks; ancillary chunks are skipped unchecked (libpng only warns).
 */
class ImageDataExtractor extends Transform {
  /** Bytes of the signature still to skip. */
  private signatureLeft = SIGNATURE.length;
  private readonly header = Buffer.alloc(8);
  private headerFill = 0;
  private type = '';
  /** Data bytes of the current chunk still to come, then its 4 CRC bytes. */
  private dataLeft = 0;
  private crcLeft = 0;
  private readonly storedCrc = Buffer.alloc(4);
  private crc = 0;
  private ended = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      this.consume(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: (err?: Error | null) => void): void {
    // A file cut inside the image data fails in the inflater (its stream ends early); one cut after it
    // (IEND missing) still holds every row, as libvips accepts too.
    done();
  }

  private consume(chunk: Buffer): void {
    // The IDAT pieces of this read are passed on as one buffer: every write to the inflater is a round
    // trip to the thread pool, and files hold thousands of small IDAT chunks.
    const pieces: Buffer[] = [];
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.signatureLeft > 0) {
        const skip = Math.min(this.signatureLeft, chunk.length - at);
        this.signatureLeft -= skip;
        at += skip;
      } else if (this.dataLeft === 0 && this.crcLeft === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill === 8) this.startChunk();
      } else if (this.dataLeft > 0) {
        const take = Math.min(this.dataLeft, chunk.length - at);
        if (this.type === 'IDAT') {
          const data = chunk.subarray(at, at + take);
          this.crc = zlib.crc32(data, this.crc);
          pieces.push(data);
        }
        this.dataLeft -= take;
        at += take;
      } else {
        const take = Math.min(this.crcLeft, chunk.length - at);
        chunk.copy(this.storedCrc, 4 - this.crcLeft, at, at + take);
        this.crcLeft -= take;
        at += take;
        if (this.crcLeft === 0) this.endChunk();
      }
    }
    if (pieces.length > 0) this.push(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces));
  }

  private startChunk(): void {
    this.headerFill = 0;
    this.type = this.header.toString('latin1', 4, 8);
    this.dataLeft = this.header.readUInt32BE(0);
    if (this.dataLeft > 0x7fffffff) throw new PngDataError(`a ${this.type} chunk has an impossible length`);
    this.crcLeft = 4;
    this.crc = zlib.crc32(this.header.subarray(4, 8));
  }

  private endChunk(): void {
    if (this.type === 'IDAT' && this.crc >>> 0 !== this.storedCrc.readUInt32BE(0)) {
      throw new PngDataError('an image data chunk fails its checksum');
    }
    if (this.type === 'IEND') this.ended = true;
  }
}

/** Inflated chunks waiting to be rebuilt before the inflater is asked to hold back. */
const MAX_QUEUED_CHUNKS = 8;

/**
 * Rebuilds rows from the inflated stream and writes them, as 8-bit RGB, into the target. Chunks are
 * taken at once and rebuilt on the next turn of the event loop: Node's inflater asks for its next chunk
 * only after this write returns, so rebuilding inside the write would leave the inflating thread idle.
 */
class RowWriter extends Writable {
  private readonly rawRowBytes: number;
  private readonly pending: Uint8Array;
  private pendingFill = 0;
  private rows = 0;
  /** Other than RGB: rows are rebuilt here, then turned into RGB. */
  private previousRow: Uint8Array;
  private currentRow: Uint8Array;
  private readonly zeroRow: Uint8Array;
  private readonly queue: Buffer[] = [];
  private scheduled = false;
  /** The callback of a write held back while the queue is full. */
  private heldBack: (() => void) | null = null;

  constructor(
    private readonly plan: PngRowsPlan,
    private readonly target: Uint8Array,
    private readonly onRows: (rows: number) => void,
  ) {
    super();
    const rowBytes = plan.width * plan.bytesPerPixel;
    this.rawRowBytes = 1 + rowBytes;
    this.pending = new Uint8Array(this.rawRowBytes);
    this.zeroRow = new Uint8Array(rowBytes);
    const scratch = plan.bytesPerPixel !== 3;
    this.previousRow = scratch ? new Uint8Array(rowBytes) : this.zeroRow;
    this.currentRow = scratch ? new Uint8Array(rowBytes) : this.zeroRow;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.queue.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.rebuildQueued());
    }
    if (this.queue.length < MAX_QUEUED_CHUNKS) done();
    else this.heldBack = done;
  }

  private rebuildQueued(): void {
    this.scheduled = false;
    if (this.destroyed) return;
    try {
      this.drainQueue();
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    const resume = this.heldBack;
    this.heldBack = null;
    resume?.();
  }

  private drainQueue(): void {
    if (this.queue.length === 0) return;
    for (const chunk of this.queue.splice(0)) this.consume(chunk);
    this.onRows(this.rows);
  }

  override _final(done: (err?: Error | null) => void): void {
    try {
      this.drainQueue();
    } catch (err) {
      done(err as Error);
      return;
    }
    done(
      this.rows < this.plan.height
        ? new PngDataError(`the image data ends at row ${this.rows} of ${this.plan.height}`)
        : null,
    );
  }

  private consume(chunk: Buffer): void {
    let at = 0;
    const { height } = this.plan;
    while (at < chunk.length && this.rows < height) {
      if (this.pendingFill === 0 && chunk.length - at >= this.rawRowBytes) {
        // The usual case: the whole row is in this chunk.
        this.rebuildRow(chunk.subarray(at, at + this.rawRowBytes));
        at += this.rawRowBytes;
        continue;
      }
      const take = Math.min(this.rawRowBytes - this.pendingFill, chunk.length - at);
      this.pending.set(chunk.subarray(at, at + take), this.pendingFill);
      this.pendingFill += take;
      at += take;
      if (this.pendingFill === this.rawRowBytes) {
        this.rebuildRow(this.pending);
        this.pendingFill = 0;
      }
    }
    // Bytes past the last row are ignored, as libpng does ("extra compressed data" is only a warning).
  }

  private rebuildRow(raw: Uint8Array): void {
    const y = this.rows;
    const filtered = raw.subarray(1);
    const { bytesPerPixel } = this.plan;
    const rgbBytes = this.plan.width * 3;
    if (bytesPerPixel === 3) {
      // RGB: rebuilt in place, against the previous row already in the target.
      const out = this.target.subarray(y * rgbBytes, (y + 1) * rgbBytes);
      const previous = y === 0 ? this.zeroRow : this.target.subarray((y - 1) * rgbBytes, y * rgbBytes);
      if (!unfilterRow(raw[0]!, filtered, previous, out, 3)) this.badFilter(raw[0]!);
    } else {
      const previous = y === 0 ? this.zeroRow : this.previousRow;
      if (!unfilterRow(raw[0]!, filtered, previous, this.currentRow, bytesPerPixel)) this.badFilter(raw[0]!);
      toRgb(this.currentRow, bytesPerPixel, this.target, y * rgbBytes);
      [this.previousRow, this.currentRow] = [this.currentRow, this.previousRow];
    }
    this.rows++;
  }

  private badFilter(type: number): never {
    throw new PngDataError(`row ${this.rows} has an unknown filter type ${type}`);
  }
}

/**
 * Decode the image into `target` (width x height x 3 bytes, RGB), calling `onRows(n)` whenever rows
 * [0, n) are complete. Rejects with PngDataError, a zlib error, or an AbortError when `signal` fires.
 */
export async function readPngRows(
  file: string,
  plan: PngRowsPlan,
  target: Uint8Array,
  onRows: (rows: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (target.length < plan.width * plan.height * 3) throw new Error('readPngRows: the target is too small');
  // Reads of 256 KB: the first rows arrive sooner, and each inflated piece is small work for this thread.
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  const extractor = new ImageDataExtractor();
  // Large output chunks: each one is a round trip to the thread pool.
  const inflater = zlib.createInflate({ chunkSize: 1 << 20 });
  const rows = new RowWriter(plan, target, onRows);
  await (signal
    ? pipeline(source, extractor, inflater, rows, { signal })
    : pipeline(source, extractor, inflater, rows));
}
