import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import {
  tissueRgb,
  writeJpeg,
  writePng,
  writeRawTiff,
  writeTiledPyramidTiff,
} from '../helpers/synthetic-images';
import { hashTree, useTempDirs } from '../helpers/temp-dir';

/** A study with one image already imported, and a snapshot of what is stored. */
async function studyWithOneImage(dir: string, src: string, options: { maxImagePixels?: number } = {}) {
  const services = createServices({ studyDir: dir, ...options });
  await services.createStudy({ name: 'Bad input' });
  const subject = await services.addSubject({ code: 'S01' });
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: 'before',
    session: 0,
    date: null,
  });
  const kept = await writePng(path.join(src, 'kept.png'), { width: 40, height: 30 });
  const outcome = await services.importFiles(timepoint.id, [{ path: kept, fileName: 'kept.png' }]);
  expect(outcome.imported).toHaveLength(1);
  return { services, timepointId: timepoint.id };
}

async function storedState(services: Services, dir: string) {
  const view = await services.getStudy({});
  const files = hashTree(dir);
  // The database file itself changes on any write transaction; compare its content through the view.
  delete files['study.sqlite'];
  delete files['study.sqlite-wal'];
  delete files['study.sqlite-shm'];
  return { view, files };
}

function truncate(file: string, keepFraction: number): string {
  const bytes = fs.readFileSync(file);
  const out = file.replace(/(\.\w+)$/, `-truncated$1`);
  fs.writeFileSync(out, bytes.subarray(0, Math.floor(bytes.length * keepFraction)));
  return out;
}

describe('bad input: each file refused with a specific message, nothing stored changed', () => {
  const tempDir = useTempDirs();

  async function expectRefused(
    makeFile: (src: string) => Promise<string> | string,
    code: string,
    messageParts: (string | RegExp)[],
    options: { maxImagePixels?: number } = {},
  ) {
    const dir = tempDir();
    const src = tempDir();
    const { services, timepointId } = await studyWithOneImage(dir, src, options);
    const file = await makeFile(src);
    const before = await storedState(services, dir);
    const outcome = await services.importFiles(timepointId, [{ path: file, fileName: path.basename(file) }]);
    expect(outcome.imported).toEqual([]);
    expect(outcome.duplicates).toEqual([]);
    expect(outcome.failed).toHaveLength(1);
    const problem = outcome.failed[0];
    expect(problem?.code).toBe(code);
    expect(problem?.fileName).toBe(path.basename(file));
    expect(problem?.message).toContain(path.basename(file));
    for (const part of messageParts) expect(problem?.message).toMatch(part);
    expect(await storedState(services, dir)).toEqual(before);
    services.close();
    return problem;
  }

  it('a text file: NOT_AN_IMAGE', async () => {
    await expectRefused(
      (src) => {
        const file = path.join(src, 'notes.tif');
        fs.writeFileSync(file, 'Patient list\nS01 before\n');
        return file;
      },
      'NOT_AN_IMAGE',
      [/not an image/, /Choose a JPEG, PNG or TIFF/],
    );
  });

  it('an empty file: NOT_AN_IMAGE', async () => {
    await expectRefused(
      (src) => {
        const file = path.join(src, 'empty.jpg');
        fs.writeFileSync(file, '');
        return file;
      },
      'NOT_AN_IMAGE',
      [/empty/],
    );
  });

  it('a folder: NOT_AN_IMAGE', async () => {
    await expectRefused(
      (src) => {
        const folder = path.join(src, 'slides');
        fs.mkdirSync(folder);
        return folder;
      },
      'NOT_AN_IMAGE',
      [/is a folder/],
    );
  });

  it('a missing file: FILE_NOT_FOUND', async () => {
    await expectRefused((src) => path.join(src, 'nowhere.png'), 'FILE_NOT_FOUND', [
      /not found/,
      /check the path/,
    ]);
  });

  for (const [format, name, write] of [
    ['GIF', 'scan.gif', (img: Sharp) => img.gif()],
    ['WebP', 'scan.webp', (img: Sharp) => img.webp()],
  ] as const) {
    it(`a ${format} image: UNSUPPORTED_FORMAT naming ${format} and saying to convert`, async () => {
      await expectRefused(
        async (src) => {
          const file = path.join(src, name);
          await write(sharp(tissueRgb(20, 20), { raw: { width: 20, height: 20, channels: 3 } })).toFile(file);
          return file;
        },
        'UNSUPPORTED_FORMAT',
        [`a ${format} file`, /Convert it to TIFF/],
      );
    });
  }

  it('a BMP image: UNSUPPORTED_FORMAT', async () => {
    await expectRefused(
      (src) => {
        const file = path.join(src, 'old.bmp');
        const header = Buffer.alloc(54);
        header.write('BM', 0, 'ascii');
        header.writeUInt32LE(54 + 12, 2);
        header.writeUInt32LE(54, 10);
        header.writeUInt32LE(40, 14);
        header.writeInt32LE(2, 18);
        header.writeInt32LE(2, 22);
        header.writeUInt16LE(1, 26);
        header.writeUInt16LE(24, 28);
        fs.writeFileSync(file, Buffer.concat([header, Buffer.alloc(16, 0x80)]));
        return file;
      },
      'UNSUPPORTED_FORMAT',
      ['a BMP file'],
    );
  });

  it('a truncated JPEG: CORRUPT_IMAGE (caught by the full decode)', async () => {
    await expectRefused(
      async (src) => truncate(await writeJpeg(path.join(src, 'cut.jpg'), { width: 300, height: 200 }), 0.6),
      'CORRUPT_IMAGE',
      [/truncated or damaged/, /export it again/i],
    );
  });

  it('a truncated PNG: CORRUPT_IMAGE', async () => {
    await expectRefused(
      async (src) => truncate(await writePng(path.join(src, 'cut.png'), { width: 300, height: 200 }), 0.6),
      'CORRUPT_IMAGE',
      [/truncated or damaged/],
    );
  });

  it('a truncated tiled TIFF: CORRUPT_IMAGE', async () => {
    await expectRefused(
      async (src) =>
        truncate(
          await writeTiledPyramidTiff(path.join(src, 'cut.tif'), { width: 900, height: 700, umPerPx: 0.5 }),
          0.5,
        ),
      'CORRUPT_IMAGE',
      [/truncated or damaged/],
    );
  });

  it('a TIFF whose pixel data is cut off: CORRUPT_IMAGE', async () => {
    await expectRefused(
      (src) => truncate(writeRawTiff(path.join(src, 'strip.tif'), { width: 200, height: 200 }), 0.7),
      'CORRUPT_IMAGE',
      [/truncated or damaged/],
    );
  });

  it('a tiled TIFF with damaged tiles: CORRUPT_IMAGE naming the decoder problem', async () => {
    await expectRefused(
      async (src) => {
        const file = await writeTiledPyramidTiff(path.join(src, 'damaged.tif'), {
          width: 900,
          height: 700,
          umPerPx: 0.5,
        });
        const bytes = fs.readFileSync(file);
        bytes.fill(0, 2000, 20_000); // wipe the first tiles' JPEG data, leaving the directory intact
        fs.writeFileSync(file, bytes);
        return file;
      },
      'CORRUPT_IMAGE',
      [/decoded in full \(.*JPEG/, /truncated or damaged/],
    );
  });

  it('a file with an image signature but garbage after it: CORRUPT_IMAGE', async () => {
    await expectRefused(
      (src) => {
        const file = path.join(src, 'garbage.tif');
        fs.writeFileSync(file, Buffer.concat([Buffer.from('II*\0'), Buffer.alloc(500, 0xab)]));
        return file;
      },
      'CORRUPT_IMAGE',
      [/could not be read/],
    );
  });

  it('an image over the pixel limit: IMAGE_TOO_LARGE with its size and the limit', async () => {
    await expectRefused(
      async (src) => writeJpeg(path.join(src, 'huge.jpg'), { width: 400, height: 300 }),
      'IMAGE_TOO_LARGE',
      ['400 x 300 pixels (0.12 megapixels)', /over the limit of 0\.1 megapixels/, /smaller region/],
      { maxImagePixels: 100_000 },
    );
  });

  it('an import into a timepoint that does not exist: NOT_FOUND, nothing copied', async () => {
    const dir = tempDir();
    const src = tempDir();
    const { services } = await studyWithOneImage(dir, src);
    const before = await storedState(services, dir);
    const file = await writePng(path.join(src, 'x.png'), { width: 10, height: 10, seed: 9 });
    await expect(services.importFiles(4242, [{ path: file, fileName: 'x.png' }])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await storedState(services, dir)).toEqual(before);
    services.close();
  });
});
