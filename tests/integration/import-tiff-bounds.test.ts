import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import {
  bufferSource,
  readTiffDirectory,
  TIFF_TAG,
  TiffFormatError,
  type ByteSource,
} from '../../main/services/images/tiff-tags';
import { tissueRgb } from '../helpers/synthetic-images';
import { writeMinimalTiff, type TagValue } from '../helpers/tiff-writer';
import { useTempDirs } from '../helpers/temp-dir';

// TIFF directories from damaged or hostile files: positions beyond the file or beyond what a double
// holds exactly, and per-tile arrays with millions of entries. Each must give CORRUPT_IMAGE (or read
// only what is needed), never an internal error or a huge read.
const tempDir = useTempDirs('dq-tiff-bounds-');
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

function tiff(options: { bigTiff?: boolean; tags?: Record<number, TagValue> } = {}): Buffer {
  return writeMinimalTiff({ width: 8, height: 6, pixels: new Uint8Array(tissueRgb(8, 6)), ...options });
}

/** Byte position of a tag's entry in IFD0 of a little-endian file from writeMinimalTiff. */
function entryOf(file: Buffer, tag: number, bigTiff: boolean): number {
  const ifd = bigTiff ? Number(file.readBigUInt64LE(8)) : file.readUInt32LE(4);
  const count = bigTiff ? Number(file.readBigUInt64LE(ifd)) : file.readUInt16LE(ifd);
  const first = ifd + (bigTiff ? 8 : 2);
  const size = bigTiff ? 20 : 12;
  for (let i = 0; i < count; i++) if (file.readUInt16LE(first + i * size) === tag) return first + i * size;
  throw new Error(`tag ${tag} not found`);
}

async function importBytes(bytes: Buffer, name: string) {
  const root = tempDir();
  const services = createServices({ studyDir: path.join(root, 'study') });
  open.push(services);
  await services.createStudy({ name: 'TIFF' });
  const subject = await services.addSubject({ code: 'P01' });
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: 'before',
    session: 0,
    date: null,
  });
  const file = path.join(root, name);
  fs.writeFileSync(file, bytes);
  return services.importFiles(timepoint.id, [{ path: file, fileName: name }]);
}

describe('positions a file cannot hold', () => {
  it('a BigTIFF directory offset above 2^53: CORRUPT_IMAGE, not an internal error', async () => {
    const file = tiff({ bigTiff: true });
    file.writeBigUInt64LE(2n ** 60n, 8);
    await expect(readTiffDirectory(bufferSource(file), [256])).rejects.toBeInstanceOf(TiffFormatError);
    const outcome = await importBytes(file, 'far.tif');
    expect(outcome.failed).toEqual([
      expect.objectContaining({
        fileName: 'far.tif',
        code: 'CORRUPT_IMAGE',
        message: expect.stringMatching(/far\.tif/),
      }),
    ]);
  });

  it('a BigTIFF value offset above 2^53 (the description): CORRUPT_IMAGE', async () => {
    const file = tiff({
      bigTiff: true,
      tags: { [TIFF_TAG.ImageDescription]: { type: 'ascii', value: 'x'.repeat(40) } },
    });
    file.writeBigUInt64LE(2n ** 62n, entryOf(file, TIFF_TAG.ImageDescription, true) + 12);
    const outcome = await importBytes(file, 'value.tif');
    expect(outcome.failed.map((f) => f.code)).toEqual(['CORRUPT_IMAGE']);
  });

  it('a first strip that starts beyond the end of the file: CORRUPT_IMAGE naming why', async () => {
    const file = tiff();
    file.writeUInt32LE(file.length + 4096, entryOf(file, TIFF_TAG.StripOffsets, false) + 8);
    await expect(readTiffDirectory(bufferSource(file), [TIFF_TAG.StripOffsets])).rejects.toThrow(
      /first strip starts at \d+, beyond the end/,
    );
    const outcome = await importBytes(file, 'short.tif');
    expect(outcome.failed).toEqual([
      expect.objectContaining({ code: 'CORRUPT_IMAGE', message: expect.stringMatching(/beyond the end/) }),
    ]);
  });
});

describe('per-tile arrays', () => {
  it('reads only the first of a million tile offsets and byte counts', async () => {
    const million = Array.from({ length: 1_000_000 }, (_v, i) => 16 + i);
    const file = tiff({
      tags: {
        [TIFF_TAG.TileOffsets]: { type: 'long', value: million },
        [TIFF_TAG.TileByteCounts]: { type: 'long', value: million.map(() => 1) },
      },
    });
    expect(file.length).toBeGreaterThan(8_000_000);
    const plain = bufferSource(file);
    let bytesRead = 0;
    const counting: ByteSource = {
      size: plain.size,
      read: async (position, length) => {
        bytesRead += length;
        return plain.read(position, length);
      },
    };
    const directory = await readTiffDirectory(counting, Object.values(TIFF_TAG));
    expect(directory.tags.get(TIFF_TAG.TileOffsets)).toEqual([16]);
    expect(directory.tags.get(TIFF_TAG.TileByteCounts)).toEqual([1]);
    // The header, the directory and a few values: nothing near the 8 MB of arrays.
    expect(bytesRead).toBeLessThan(4096);
  });
});
