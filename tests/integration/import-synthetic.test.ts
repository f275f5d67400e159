import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { openImagePixels } from '../../main/services/images/decode';
import { PREVIEW_MAX_SIDE } from '../../main/services/images/previews';
import { StagedUpload } from '../../shared/api';
import { ImageRecord } from '../../shared/domain';
import {
  tissueRgb,
  writeJpeg,
  writePng,
  writeRawTiff,
  writeTiledPyramidTiff,
  writeYcbcrJpegTaggedRgbTiff,
} from '../helpers/synthetic-images';
import { useTempDirs } from '../helpers/temp-dir';

async function studyWithTimepoint(dir: string, options: { maxImagePixels?: number } = {}) {
  const services = createServices({ studyDir: dir, ...options });
  await services.createStudy({ name: 'Synthetic' });
  const subject = await services.addSubject({ code: 'S01' });
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: 'before',
    session: 0,
    date: null,
  });
  return { services, timepointId: timepoint.id };
}

async function importOne(services: Services, timepointId: number, file: string) {
  const outcome = await services.importFiles(timepointId, [{ path: file, fileName: path.basename(file) }]);
  expect(outcome.failed).toEqual([]);
  const image = outcome.imported[0];
  if (!image) throw new Error(`${file} was not imported`);
  expect(ImageRecord.parse(image)).toEqual(image);
  return image;
}

const meanAbsoluteDifference = (a: Buffer, b: Buffer) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
};

describe('import of generated images (real sharp, real SQLite)', () => {
  const tempDir = useTempDirs();

  it('imports PNG (8/16-bit, grey, alpha), JPEG and TIFF (8/16-bit, tiled pyramid) with their properties', async () => {
    const src = tempDir();
    const { services, timepointId } = await studyWithTimepoint(tempDir());
    const cases = [
      {
        file: await writePng(path.join(src, 'rgb8.png'), { width: 120, height: 80 }),
        expect: { format: 'png', bitDepth: 8, channels: 3, width: 120, height: 80 },
      },
      {
        file: await writePng(path.join(src, 'rgb16.png'), { width: 90, height: 70, bits16: true, seed: 1 }),
        expect: { format: 'png', bitDepth: 16, channels: 3 },
      },
      {
        file: await writePng(path.join(src, 'grey8.png'), { width: 64, height: 64, grey: true, seed: 2 }),
        expect: { format: 'png', bitDepth: 8, channels: 1 },
      },
      {
        file: await writePng(path.join(src, 'grey16.png'), {
          width: 64,
          height: 48,
          grey: true,
          bits16: true,
          seed: 3,
        }),
        expect: { format: 'png', bitDepth: 16, channels: 1 },
      },
      {
        file: await writePng(path.join(src, 'alpha.png'), { width: 50, height: 40, alpha: true, seed: 4 }),
        expect: { format: 'png', bitDepth: 8, channels: 4 },
      },
      {
        file: await writeJpeg(path.join(src, 'plain.jpg'), { width: 100, height: 60, seed: 5 }),
        expect: { format: 'jpeg', bitDepth: 8, channels: 3, width: 100, height: 60 },
      },
      {
        file: writeRawTiff(path.join(src, 'rgb16.tif'), { width: 40, height: 30, bits16: true, seed: 6 }),
        expect: { format: 'tiff', bitDepth: 16, channels: 3, pages: 1 },
      },
      {
        file: writeRawTiff(path.join(src, 'be.tif'), { width: 40, height: 30, littleEndian: false, seed: 7 }),
        expect: { format: 'tiff', bitDepth: 8 },
      },
      {
        file: writeRawTiff(path.join(src, 'big.tif'), { width: 40, height: 30, bigTiff: true, seed: 8 }),
        expect: { format: 'tiff', bitDepth: 8 },
      },
      {
        file: await writeTiledPyramidTiff(path.join(src, 'pyramid.tif'), {
          width: 1500,
          height: 1100,
          umPerPx: 0.5,
          seed: 9,
        }),
        expect: { format: 'tiff', width: 1500, height: 1100, umPerPx: 0.5, calibrationSource: 'file' },
      },
    ];
    for (const { file, expect: expected } of cases) {
      const image = await importOne(services, timepointId, file);
      expect(image, path.basename(file)).toMatchObject({
        fileName: path.basename(file),
        byteSize: fs.statSync(file).size,
        ...expected,
      });
      const preview = await sharp((await services.imageAsset(image.id, 'preview')).path).metadata();
      expect([preview.format, preview.depth, preview.space, preview.channels]).toEqual([
        'jpeg',
        'uchar',
        'srgb',
        3,
      ]);
      expect([preview.width, preview.height]).toEqual([image.previewWidth, image.previewHeight]);
    }
    const pyramid = (await services.getStudy({}))?.subjects[0]?.timepoints[0]?.images.find(
      (i) => i.fileName === 'pyramid.tif',
    );
    expect(pyramid?.pages).toBeGreaterThan(1);
    services.close();
  });

  it('applies EXIF orientation to the stored size and the preview', async () => {
    const src = tempDir();
    const { services, timepointId } = await studyWithTimepoint(tempDir());
    // Stored pixels 120 x 60, tagged "rotate 90 clockwise": the image is 60 wide and 120 tall.
    const file = await writeJpeg(path.join(src, 'rotated.jpg'), { width: 120, height: 60, orientation: 6 });
    const image = await importOne(services, timepointId, file);
    expect([image.width, image.height]).toEqual([60, 120]);
    expect([image.previewWidth, image.previewHeight]).toEqual([60, 120]);
    const preview = await sharp((await services.imageAsset(image.id, 'preview')).path).metadata();
    expect([preview.width, preview.height]).toEqual([60, 120]);
    // The analysis decoder agrees with the stored size.
    const stored = path.join(services.studyDir() as string, 'images', `${image.sha256}.jpg`);
    const { info } = await openImagePixels(stored, null, { maxImagePixels: 1e9 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([60, 120]);
    services.close();
  });

  it('limits the preview to 4096 px and the thumbnail to 256 px, keeping the aspect ratio', async () => {
    const src = tempDir();
    const { services, timepointId } = await studyWithTimepoint(tempDir());
    const file = await writeTiledPyramidTiff(path.join(src, 'wide.tif'), {
      width: 6000,
      height: 1500,
      umPerPx: null,
    });
    const image = await importOne(services, timepointId, file);
    expect([image.width, image.height]).toEqual([6000, 1500]);
    expect(image.umPerPx).toBeNull();
    expect([image.previewWidth, image.previewHeight]).toEqual([PREVIEW_MAX_SIDE, 1024]);
    const thumbnail = await sharp((await services.imageAsset(image.id, 'thumbnail')).path).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([256, 64]);
    services.close();
  });

  for (const jfif of [true, false]) {
    it(`corrects YCbCr JPEG data tagged as RGB in a TIFF (${jfif ? 'JFIF marker' : 'component ids 1,2,3'})`, async () => {
      const src = tempDir();
      const { services, timepointId } = await studyWithTimepoint(tempDir());
      const file = path.join(src, 'ycbcr.tif');
      const truth = await writeYcbcrJpegTaggedRgbTiff(file, { width: 96, height: 64, jfif });
      // What sharp alone makes of it: the raw Y, Cb, Cr samples, far from the true colours.
      const naive = await sharp(file).raw().toBuffer();
      expect(meanAbsoluteDifference(naive, truth)).toBeGreaterThan(20);
      const image = await importOne(services, timepointId, file);
      const stored = path.join(services.studyDir() as string, 'images', `${image.sha256}.tif`);
      const fixed = await openImagePixels(stored, 'ycbcr-tagged-rgb', { maxImagePixels: 1e9 })
        .raw()
        .toBuffer();
      expect(meanAbsoluteDifference(fixed, truth)).toBeLessThan(2.5);
      // The preview went through the same correction.
      const preview = await sharp((await services.imageAsset(image.id, 'preview')).path)
        .raw()
        .toBuffer();
      expect(meanAbsoluteDifference(preview, truth)).toBeLessThan(4);
      services.close();
    });
  }

  it('recognises a duplicate by its hash: reported, not copied again, no new record', async () => {
    const dir = tempDir();
    const src = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const file = await writePng(path.join(src, 'a.png'), { width: 30, height: 30 });
    const copy = path.join(src, 'renamed-copy.png');
    fs.copyFileSync(file, copy);
    const first = await importOne(services, timepointId, file);
    const other = await services.addTimepoint({ subjectId: 1, label: 'after', session: 1, date: null });
    const again = await services.importFiles(other.id, [
      { path: copy, fileName: 'renamed-copy.png' },
      { path: file, fileName: 'a.png' },
    ]);
    expect(again.imported).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(again.duplicates.map((d) => [d.fileName, d.existing.id])).toEqual([
      ['renamed-copy.png', first.id],
      ['a.png', first.id],
    ]);
    expect(fs.readdirSync(path.join(dir, 'images'))).toEqual([`${first.sha256}.png`]);
    const view = await services.getStudy({});
    expect(view?.subjects[0]?.timepoints.map((t) => t.images.length)).toEqual([1, 0]);
    services.close();
  });

  it('clears temporary files a crashed import left behind, and only those', async () => {
    const dir = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const abandoned = path.join(dir, 'images', '.incoming-AbC123_x.tmp');
    const recent = path.join(dir, 'cache', '.preview-Recent1.tmp');
    const unrelated = path.join(dir, 'images', 'notes.txt');
    for (const file of [abandoned, recent, unrelated]) fs.writeFileSync(file, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(abandoned, twoHoursAgo, twoHoursAgo);
    fs.utimesSync(unrelated, twoHoursAgo, twoHoursAgo);
    await importOne(
      services,
      timepointId,
      await writePng(path.join(tempDir(), 'n.png'), { width: 10, height: 10 }),
    );
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true); // may belong to an import running in another process
    expect(fs.existsSync(unrelated)).toBe(true);
    services.close();
  });

  it('keeps the other files when one file of a batch fails', async () => {
    const dir = tempDir();
    const src = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const good1 = await writePng(path.join(src, 'good1.png'), { width: 20, height: 20, seed: 1 });
    const bad = path.join(src, 'notes.txt');
    fs.writeFileSync(bad, 'not an image');
    const good2 = await writeJpeg(path.join(src, 'good2.jpg'), { width: 20, height: 20, seed: 2 });
    const outcome = await services.importFiles(
      timepointId,
      [good1, bad, good2].map((p) => ({ path: p, fileName: path.basename(p) })),
    );
    expect(outcome.imported.map((i) => i.fileName)).toEqual(['good1.png', 'good2.jpg']);
    expect(outcome.failed.map((f) => [f.fileName, f.code])).toEqual([['notes.txt', 'NOT_AN_IMAGE']]);
    expect(fs.readdirSync(path.join(dir, 'images')).sort()).toEqual(
      outcome.imported.map((i) => `${i.sha256}.${i.format === 'jpeg' ? 'jpg' : 'png'}`).sort(),
    );
    services.close();
  });

  it('stages uploads in the study folder, imports them by id and removes the staged bytes', async () => {
    const dir = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const png = await sharp(tissueRgb(64, 32), { raw: { width: 64, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    async function* chunks() {
      for (let at = 0; at < png.length; at += 1000) yield new Uint8Array(png.subarray(at, at + 1000));
    }
    // A name is a name: a path (as old browsers sent) is refused rather than silently cut down.
    await expect(services.stageUpload(chunks(), 'C:\\Users\\lab\\slide one.png')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const streamed = await services.stageUpload(chunks(), ' slide one.png ');
    expect(StagedUpload.parse(streamed)).toEqual(streamed);
    expect(streamed.fileName).toBe('slide one.png');
    expect(fs.readFileSync(path.join(dir, '.staging', streamed.uploadId))).toEqual(png);
    const whole = await services.stageUpload(new Uint8Array(Buffer.from('plain text')), 'readme.txt');
    const outcome = await services.importImages({
      timepointId,
      uploads: [streamed, whole, { uploadId: 'x'.repeat(20), fileName: 'gone.png' }],
    });
    expect(outcome.imported.map((i) => [i.fileName, i.width, i.height])).toEqual([['slide one.png', 64, 32]]);
    expect(outcome.failed.map((f) => [f.fileName, f.code])).toEqual([
      ['readme.txt', 'NOT_AN_IMAGE'],
      ['gone.png', 'FILE_NOT_FOUND'],
    ]);
    expect(fs.readdirSync(path.join(dir, '.staging'))).toEqual([]);
    services.close();
  });

  it('refuses an upload over the size cap and leaves nothing staged', async () => {
    const dir = tempDir();
    const services = createServices({ studyDir: dir, maxUploadBytes: 1000 });
    await services.createStudy({ name: 'Cap' });
    async function* big() {
      for (let i = 0; i < 5; i++) yield new Uint8Array(400);
    }
    await expect(services.stageUpload(big(), 'huge.tif')).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: expect.stringContaining('huge.tif') as unknown,
    });
    expect(fs.readdirSync(path.join(dir, '.staging'))).toEqual([]);
    services.close();
  });

  it('rebuilds a deleted preview from the stored copy', async () => {
    const dir = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const image = await importOne(
      services,
      timepointId,
      await writePng(path.join(tempDir(), 'p.png'), { width: 70, height: 50 }),
    );
    const first = await services.imageAsset(image.id, 'preview');
    const bytes = fs.readFileSync(first.path);
    fs.rmSync(path.join(dir, 'cache'), { recursive: true });
    const again = await services.imageAsset(image.id, 'preview');
    expect(again.path).toBe(first.path);
    expect(again.contentType).toBe('image/jpeg');
    expect(path.dirname(again.path)).toBe(path.join(dir, 'cache'));
    expect(fs.readFileSync(again.path)).toEqual(bytes);
    expect(fs.existsSync((await services.imageAsset(image.id, 'thumbnail')).path)).toBe(true);
    await expect(services.imageAsset(9999, 'preview')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // With the stored copy gone too, the message says what is missing and what to do.
    fs.rmSync(path.join(dir, 'cache'), { recursive: true });
    fs.rmSync(path.join(dir, 'images', `${image.sha256}.png`));
    await expect(services.imageAsset(image.id, 'preview')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining('p.png') as unknown,
    });
    services.close();
  });
});
