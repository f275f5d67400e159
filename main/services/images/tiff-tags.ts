import fs from 'node:fs/promises';

/**
 * A small reader for the first image file directory (IFD0) of a TIFF: classic TIFF and BigTIFF, both
 * byte orders. sharp does not expose ImageDescription (where OME-XML and Aperio metadata live), the
 * exact resolution rationals, the compression or the first tile's bytes, so we read those tags here.
 * Only the requested tags are read, each value capped, so a whole-slide image costs a few reads.
 */

export const TIFF_TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  PhotometricInterpretation: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  ResolutionUnit: 296,
  TileOffsets: 324,
  TileByteCounts: 325,
  JPEGTables: 347,
} as const;

export type TiffValue = number[] | string | Uint8Array;

export interface TiffDirectory {
  littleEndian: boolean;
  bigTiff: boolean;
  tags: Map<number, TiffValue>;
}

/** Bytes per value for each TIFF field type; unknown types are skipped. */
const TYPE_SIZE: Record<number, number> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
  16: 8, // LONG8
  17: 8, // SLONG8
  18: 8, // IFD8
};

/** Largest tag value read (OME-XML descriptions of big plates can be megabytes). */
const MAX_VALUE_BYTES = 16 * 1024 * 1024;
/** All values read from one directory together: a file cannot make the reader load more. */
const MAX_DIRECTORY_BYTES = 32 * 1024 * 1024;
/** More entries than any real IFD has: a guard against reading garbage as a directory. */
const MAX_ENTRIES = 4096;

/**
 * Per-strip or per-tile arrays: a whole-slide image has millions of entries. Only the first (where the
 * first strip or tile lies) is ever needed, so only it is read.
 */
const FIRST_VALUE_ONLY = new Set<number>([
  TIFF_TAG.StripOffsets,
  TIFF_TAG.StripByteCounts,
  TIFF_TAG.TileOffsets,
  TIFF_TAG.TileByteCounts,
]);
/** Tags whose first value is a position in the file, which must lie inside it. */
const OFFSET_TAGS = new Set<number>([TIFF_TAG.StripOffsets, TIFF_TAG.TileOffsets]);

export class TiffFormatError extends Error {}

function decodeValues(type: number, count: number, view: DataView, le: boolean): TiffValue {
  if (type === 2) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, count);
    const end = bytes.indexOf(0);
    return new TextDecoder('utf-8').decode(end === -1 ? bytes : bytes.subarray(0, end));
  }
  if (type === 1 || type === 7 || type === 6) {
    return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + count));
  }
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 3:
        values.push(view.getUint16(i * 2, le));
        break;
      case 8:
        values.push(view.getInt16(i * 2, le));
        break;
      case 4:
      case 13:
        values.push(view.getUint32(i * 4, le));
        break;
      case 9:
        values.push(view.getInt32(i * 4, le));
        break;
      case 5:
        values.push(view.getUint32(i * 8, le) / view.getUint32(i * 8 + 4, le));
        break;
      case 10:
        values.push(view.getInt32(i * 8, le) / view.getInt32(i * 8 + 4, le));
        break;
      case 11:
        values.push(view.getFloat32(i * 4, le));
        break;
      case 12:
        values.push(view.getFloat64(i * 8, le));
        break;
      case 16:
      case 18:
        values.push(Number(view.getBigUint64(i * 8, le)));
        break;
      case 17:
        values.push(Number(view.getBigInt64(i * 8, le)));
        break;
    }
  }
  return values;
}

/** Random access to a file of known size: the reader only ever needs a few small reads. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length)),
  };
}

/**
 * A file position or count read from the file, as a safe number. BigTIFF stores 64-bit values: one
 * above 2^53 cannot even be represented exactly (and Node refuses to read there), so it is damage.
 */
function safeNumber(value: number | bigint, what: string): number {
  if (typeof value === 'bigint' ? value > BigInt(Number.MAX_SAFE_INTEGER) : !Number.isSafeInteger(value)) {
    throw new TiffFormatError(`${what} ${value} is not a usable file position`);
  }
  return Number(value);
}

async function readExactly(source: ByteSource, position: number, length: number): Promise<DataView> {
  if (position + length > source.size) {
    throw new TiffFormatError(
      `the file ends early (wanted ${length} bytes at offset ${position} of a ${source.size}-byte file)`,
    );
  }
  const bytes = await source.read(position, length);
  if (bytes.length < length) {
    throw new TiffFormatError(`the file ends early (wanted ${length} bytes at offset ${position})`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Read the wanted tags of IFD0 from a TIFF held in `source`. Throws TiffFormatError on a broken header. */
export async function readTiffDirectory(
  source: ByteSource,
  wanted: Iterable<number>,
): Promise<TiffDirectory> {
  const wantedTags = new Set(wanted);
  const header = await readExactly(source, 0, 16).catch(() => readExactly(source, 0, 8));
  const order = header.getUint16(0, false);
  if (order !== 0x4949 && order !== 0x4d4d) throw new TiffFormatError('not a TIFF byte-order mark');
  const le = order === 0x4949;
  const magic = header.getUint16(2, le);
  if (magic !== 42 && magic !== 43) throw new TiffFormatError(`unknown TIFF version ${magic}`);
  const bigTiff = magic === 43;
  if (bigTiff && (header.byteLength < 16 || header.getUint16(4, le) !== 8)) {
    throw new TiffFormatError('a BigTIFF header with an unexpected offset size');
  }
  const ifdOffset = bigTiff
    ? safeNumber(header.getBigUint64(8, le), 'the directory offset')
    : header.getUint32(4, le);
  const countSize = bigTiff ? 8 : 2;
  const entrySize = bigTiff ? 20 : 12;
  const countView = await readExactly(source, ifdOffset, countSize);
  const entryCount = bigTiff ? countView.getBigUint64(0, le) : BigInt(countView.getUint16(0, le));
  if (entryCount === 0n || entryCount > BigInt(MAX_ENTRIES)) {
    throw new TiffFormatError(`an image directory with ${entryCount} entries`);
  }
  const entries = await readExactly(source, ifdOffset + countSize, Number(entryCount) * entrySize);
  const tags = new Map<number, TiffValue>();
  let budget = MAX_DIRECTORY_BYTES;
  for (let i = 0; i < Number(entryCount); i++) {
    const at = i * entrySize;
    const tag = entries.getUint16(at, le);
    if (!wantedTags.has(tag)) continue;
    const type = entries.getUint16(at + 2, le);
    const typeSize = TYPE_SIZE[type];
    if (typeSize === undefined) continue;
    const storedCount = bigTiff ? entries.getBigUint64(at + 4, le) : BigInt(entries.getUint32(at + 4, le));
    if (storedCount === 0n) continue;
    // A count too large to be real is simply a value too large to read, like any other over the cap.
    const fullLength = storedCount * BigInt(typeSize);
    const inlineSize = bigTiff ? 8 : 4;
    const valueAt = at + (bigTiff ? 12 : 8);
    const count = FIRST_VALUE_ONLY.has(tag) ? 1 : Number(storedCount);
    const byteLength = count * typeSize;
    if (byteLength > MAX_VALUE_BYTES || byteLength > budget) continue;
    let valueView: DataView;
    if (fullLength <= BigInt(inlineSize)) {
      valueView = new DataView(entries.buffer, entries.byteOffset + valueAt, inlineSize);
    } else {
      const offset = bigTiff
        ? safeNumber(entries.getBigUint64(valueAt, le), `the value offset of tag ${tag}`)
        : entries.getUint32(valueAt, le);
      valueView = await readExactly(source, offset, byteLength);
      budget -= byteLength;
    }
    const values = decodeValues(type, count, valueView, le);
    if (OFFSET_TAGS.has(tag)) checkInsideFile(values, tag, source.size);
    tags.set(tag, values);
  }
  return { littleEndian: le, bigTiff, tags };
}

/** The first strip or tile must start inside the file (an offset past its end is damage). */
function checkInsideFile(values: TiffValue, tag: number, size: number): void {
  const first = Array.isArray(values) ? values[0] : undefined;
  if (first !== undefined && !(Number.isSafeInteger(first) && first >= 0 && first < size)) {
    throw new TiffFormatError(
      `the first ${tag === TIFF_TAG.TileOffsets ? 'tile' : 'strip'} starts at ${first}, beyond the end of the ${size}-byte file`,
    );
  }
}

/** A ByteSource over an open file handle of a file of `size` bytes. */
export function fileSource(handle: fs.FileHandle, size: number): ByteSource {
  return {
    size,
    async read(position, length) {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await handle.read(bytes, 0, length, position);
      return bytes.subarray(0, bytesRead);
    },
  };
}

/** Read the wanted IFD0 tags of a TIFF file, plus anything `more` wants to read from it while open. */
export async function withTiffFile<T>(
  file: string,
  wanted: Iterable<number>,
  more: (directory: TiffDirectory, source: ByteSource) => Promise<T>,
): Promise<T> {
  const handle = await fs.open(file, 'r');
  try {
    const source = fileSource(handle, (await handle.stat()).size);
    return await more(await readTiffDirectory(source, wanted), source);
  } finally {
    await handle.close();
  }
}

export const firstNumber = (value: TiffValue | undefined): number | undefined =>
  Array.isArray(value) ? value[0] : undefined;
export const asText = (value: TiffValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;
