/**
 * A minimal TIFF writer for tests: one uncompressed RGB (or greyscale) strip with any extra tags, in
 * classic TIFF or BigTIFF, little- or big-endian. sharp cannot write ImageDescription, big-endian or
 * arbitrary tags, and the tag reader must be tested on all four layouts; sharp reading these files back
 * checks the writer itself.
 */

export type TagValue =
  | { type: 'ascii'; value: string }
  | { type: 'short'; value: number[] }
  | { type: 'long'; value: number[] }
  | { type: 'rational'; value: [number, number][] }
  | { type: 'undefined'; value: Uint8Array };

export interface MinimalTiff {
  width: number;
  height: number;
  /** Interleaved samples, `samples` per pixel: 8-bit (Uint8Array) or 16-bit (Uint16Array). */
  pixels: Uint8Array | Uint16Array;
  samples?: 1 | 3;
  littleEndian?: boolean;
  bigTiff?: boolean;
  tags?: Record<number, TagValue>;
  /** Already-compressed strip bytes to store instead of `pixels` (set Compression in `tags`). */
  strip?: Uint8Array;
}

const TYPE_SIZE = { 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 16: 8 } as const;

interface Entry {
  tag: number;
  type: keyof typeof TYPE_SIZE;
  count: number;
  write: (view: DataView, at: number, le: boolean) => void;
}

function entryFor(tag: number, value: TagValue): Entry {
  switch (value.type) {
    case 'ascii': {
      const bytes = new TextEncoder().encode(value.value + '\0');
      return {
        tag,
        type: 2,
        count: bytes.length,
        write: (v, at) => bytes.forEach((b, i) => v.setUint8(at + i, b)),
      };
    }
    case 'undefined':
      return {
        tag,
        type: 7,
        count: value.value.length,
        write: (v, at) => value.value.forEach((b, i) => v.setUint8(at + i, b)),
      };
    case 'short':
      return {
        tag,
        type: 3,
        count: value.value.length,
        write: (v, at, le) => value.value.forEach((n, i) => v.setUint16(at + i * 2, n, le)),
      };
    case 'long':
      return {
        tag,
        type: 4,
        count: value.value.length,
        write: (v, at, le) => value.value.forEach((n, i) => v.setUint32(at + i * 4, n, le)),
      };
    case 'rational':
      return {
        tag,
        type: 5,
        count: value.value.length,
        write: (v, at, le) =>
          value.value.forEach(([num, den], i) => {
            v.setUint32(at + i * 8, num, le);
            v.setUint32(at + i * 8 + 4, den, le);
          }),
      };
  }
}

export function writeMinimalTiff(image: MinimalTiff): Buffer {
  const le = image.littleEndian ?? true;
  const big = image.bigTiff ?? false;
  const samples = image.samples ?? 3;
  const headerSize = big ? 16 : 8;
  const bits = image.pixels instanceof Uint16Array ? 16 : 8;
  const stripBytes = image.strip?.length ?? image.width * image.height * samples * (bits / 8);
  if (image.pixels.length !== image.width * image.height * samples) {
    throw new Error('pixel buffer does not match the size');
  }

  const tags: Record<number, TagValue> = {
    256: { type: 'long', value: [image.width] },
    257: { type: 'long', value: [image.height] },
    258: { type: 'short', value: Array<number>(samples).fill(bits) },
    259: { type: 'short', value: [1] },
    262: { type: 'short', value: [samples === 3 ? 2 : 1] },
    277: { type: 'short', value: [samples] },
    278: { type: 'long', value: [image.height] },
    279: { type: 'long', value: [stripBytes] },
    284: { type: 'short', value: [1] },
    ...image.tags,
  };
  // StripOffsets is patched once the layout is known.
  const entries = Object.entries(tags).map(([tag, value]) => entryFor(Number(tag), value));
  let stripOffset = 0;
  const stripEntry: Entry = {
    tag: 273,
    type: big ? 16 : 4,
    count: 1,
    write: (v, at, littleEndian) =>
      big
        ? v.setBigUint64(at, BigInt(stripOffset), littleEndian)
        : v.setUint32(at, stripOffset, littleEndian),
  };
  entries.push(stripEntry);
  entries.sort((a, b) => a.tag - b.tag);

  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const nextSize = big ? 8 : 4;
  const inline = big ? 8 : 4;
  const ifdSize = countSize + entries.length * entrySize + nextSize;
  let dataAt = headerSize + ifdSize;
  const placed = entries.map((entry) => {
    const size = entry.count * TYPE_SIZE[entry.type];
    if (size <= inline) return { entry, offset: -1 };
    const offset = dataAt + (dataAt % 2); // word-align values
    dataAt = offset + size;
    return { entry, offset };
  });
  stripOffset = dataAt + (dataAt % 2);
  const total = stripOffset + stripBytes;

  const buffer = Buffer.alloc(total);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint16(0, le ? 0x4949 : 0x4d4d, false);
  view.setUint16(2, big ? 43 : 42, le);
  if (big) {
    view.setUint16(4, 8, le);
    view.setUint16(6, 0, le);
    view.setBigUint64(8, BigInt(headerSize), le);
  } else {
    view.setUint32(4, headerSize, le);
  }
  let at = headerSize;
  if (big) view.setBigUint64(at, BigInt(entries.length), le);
  else view.setUint16(at, entries.length, le);
  at += countSize;
  for (const { entry, offset } of placed) {
    view.setUint16(at, entry.tag, le);
    view.setUint16(at + 2, entry.type, le);
    if (big) view.setBigUint64(at + 4, BigInt(entry.count), le);
    else view.setUint32(at + 4, entry.count, le);
    const valueAt = at + (big ? 12 : 8);
    if (offset === -1) entry.write(view, valueAt, le);
    else {
      if (big) view.setBigUint64(valueAt, BigInt(offset), le);
      else view.setUint32(valueAt, offset, le);
      entry.write(view, offset, le);
    }
    at += entrySize;
  }
  if (image.strip) {
    buffer.set(image.strip, stripOffset);
  } else if (image.pixels instanceof Uint16Array) {
    image.pixels.forEach((sample, i) => view.setUint16(stripOffset + i * 2, sample, le));
  } else {
    buffer.set(image.pixels, stripOffset);
  }
  return buffer;
}
