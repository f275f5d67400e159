/**
 * A minimal PNG writer for tests: 8-bit grey, grey + alpha, RGB or RGBA rows, each stored with a chosen filter type (sharp
 * writes only one filter choice per file), the image data cut into IDAT chunks of any size, and extra
 * chunks placed before the image data. sharp reading these files back checks the writer itself.
 */
import zlib from 'node:zlib';

export interface MinimalPng {
  width: number;
  height: number;
  /** Interleaved 8-bit samples, `channels` per pixel. */
  pixels: Uint8Array;
  /** 1 grey, 2 grey + alpha, 3 RGB (default), 4 RGBA. */
  channels?: 1 | 2 | 3 | 4;
  /** Filter type of row y: filters[y % filters.length] (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth). */
  filters?: number[];
  /** Bytes of image data per IDAT chunk. */
  idatBytes?: number;
  /** Chunks written between IHDR and the image data, e.g. { type: 'tEXt', data }. */
  extraChunks?: { type: string; data: Uint8Array }[];
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.from(data), zlib.crc32(head.subarray(4, 8))) >>> 0);
  return Buffer.concat([head, Buffer.from(data), crc]);
}

function paeth(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The filtered bytes of one row (the forward filters, written independently of the reader's inverse). */
function filterRow(filter: number, row: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const out = new Uint8Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!;
    out[i] = (row[i]! - predictor) & 0xff;
  }
  return out;
}

export function encodePng(png: MinimalPng): Buffer {
  const bpp = png.channels ?? 3;
  const rowBytes = png.width * bpp;
  const filters = png.filters ?? [0];
  const raw = Buffer.alloc(png.height * (rowBytes + 1));
  let prev: Uint8Array = new Uint8Array(rowBytes);
  for (let y = 0; y < png.height; y++) {
    const row = png.pixels.subarray(y * rowBytes, (y + 1) * rowBytes);
    const filter = filters[y % filters.length]!;
    raw[y * (rowBytes + 1)] = filter;
    raw.set(filterRow(filter, row, prev, bpp), y * (rowBytes + 1) + 1);
    prev = row;
  }
  const stream = zlib.deflateSync(raw);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(png.width, 0);
  ihdr.writeUInt32BE(png.height, 4);
  const colourType = { 1: 0, 2: 4, 3: 2, 4: 6 }[bpp];
  ihdr.set([8, colourType, 0, 0, 0], 8);
  const idatBytes = png.idatBytes ?? 8192;
  const idats: Buffer[] = [];
  for (let at = 0; at < stream.length; at += idatBytes) {
    idats.push(pngChunk('IDAT', stream.subarray(at, at + idatBytes)));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(png.extraChunks ?? []).map((c) => pngChunk(c.type, c.data)),
    ...idats,
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
