import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { hasSharedData, sharedImage } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

/** Sizes and calibrations as documented in ../shared/data/SOURCES.md. */
const EXPECTED: { file: string; width: number; height: number; format: string; umPerPx: number | null }[] = [
  { file: 'CMU-1-small-region_skin_HE.svs', width: 2220, height: 2967, format: 'svs', umPerPx: 0.499 },
  {
    file: 'CMU-1-small-region_skin_HE_pyramid.tif',
    width: 2220,
    height: 2967,
    format: 'tiff',
    umPerPx: 0.499,
  },
  {
    file: 'CMU-1-small-region_skin_HE_pyramid_subifd.ome.tif',
    width: 2220,
    height: 2967,
    format: 'tiff',
    umPerPx: 0.499,
  },
  { file: 'OS-1-detail_HE.ome.tif', width: 1101, height: 1101, format: 'tiff', umPerPx: 0.2271 },
  { file: 'OS-2-ndpi_Ki67-DAB.ome.tif', width: 2202, height: 2202, format: 'tiff', umPerPx: 0.2271 },
  { file: 'OS-2-vsi_Ki67-DAB.ome.tif', width: 1445, height: 1445, format: 'tiff', umPerPx: 0.3461 },
  // 72 dpi in the file: a document default, not a microscope scale, so left uncalibrated.
  { file: 'HEnorm_example1_HE.tif', width: 1024, height: 1024, format: 'tiff', umPerPx: null },
  { file: 'HEnorm_norm1_HE_stain-normalised.png', width: 1024, height: 1024, format: 'png', umPerPx: null },
  { file: 'torchstain_source_HE.png', width: 584, height: 438, format: 'png', umPerPx: null },
  {
    file: 'orbit_tissueClassification_MassonTrichrome_lung.jpg',
    width: 1024,
    height: 760,
    format: 'jpeg',
    umPerPx: null,
  },
];

async function studyWithTimepoint(dir: string) {
  const services = createServices({ studyDir: dir });
  await services.createStudy({ name: 'Real images' });
  const subject = await services.addSubject({ code: 'S01' });
  const timepoint = await services.addTimepoint({
    subjectId: subject.id,
    label: 'before',
    session: 0,
    date: null,
  });
  return { services, timepointId: timepoint.id };
}

describe.skipIf(!hasSharedData)('import of the real test images in ../shared/data', () => {
  const tempDir = useTempDirs();

  it('reads dimensions, format and calibration of every readable file', async () => {
    const { services, timepointId } = await studyWithTimepoint(tempDir());
    const outcome = await services.importFiles(
      timepointId,
      EXPECTED.map(({ file }) => ({ path: sharedImage(file), fileName: file })),
    );
    expect(outcome.failed).toEqual([]);
    expect(outcome.imported).toHaveLength(EXPECTED.length);
    for (const expected of EXPECTED) {
      const image = outcome.imported.find((record) => record.fileName === expected.file);
      expect(image, expected.file).toBeDefined();
      expect({
        file: expected.file,
        width: image?.width,
        height: image?.height,
        format: image?.format,
      }).toEqual({
        file: expected.file,
        width: expected.width,
        height: expected.height,
        format: expected.format,
      });
      if (expected.umPerPx === null) {
        expect(image?.umPerPx, expected.file).toBeNull();
      } else {
        expect(image?.umPerPx, expected.file).toBeCloseTo(expected.umPerPx, 4);
        expect(image?.calibrationSource).toBe('file');
      }
    }
    services.close();
  });

  it('refuses the JPEG 2000 SVS with UNSUPPORTED_FORMAT naming the file and what to do', async () => {
    const { services, timepointId } = await studyWithTimepoint(tempDir());
    const file = 'TCGA-CR-7395-01A-01-TS1_HE_pyramid_j2k.svs';
    const outcome = await services.importFiles(timepointId, [{ path: sharedImage(file), fileName: file }]);
    expect(outcome.imported).toEqual([]);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]?.code).toBe('UNSUPPORTED_FORMAT');
    expect(outcome.failed[0]?.message).toContain(file);
    expect(outcome.failed[0]?.message).toContain('JPEG 2000-compressed SVS');
    expect(outcome.failed[0]?.message).toMatch(/Export it as .*TIFF/);
    services.close();
  });

  it('undoes the YCbCr-as-RGB colour cast of the OME-TIFF JPEG tiles in the preview', async () => {
    const dir = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const file = 'OS-1-detail_HE.ome.tif';
    const outcome = await services.importFiles(timepointId, [{ path: sharedImage(file), fileName: file }]);
    const image = outcome.imported[0];
    if (!image) throw new Error('not imported');
    const preview = await services.imageAsset(image.id, 'preview');
    const { channels } = await sharp(preview.path).stats();
    // tifffile + imagecodecs decode this file to a mean of about (144, 124, 180): pink/purple H&E.
    // Undecoded YCbCr would give about (136, 153, 134): green-grey.
    const [r, g, b] = channels.map((channel) => channel.mean);
    expect(r).toBeGreaterThan(138);
    expect(r).toBeLessThan(150);
    expect(g).toBeGreaterThan(118);
    expect(g).toBeLessThan(130);
    expect(b).toBeGreaterThan(173);
    expect(b).toBeLessThan(186);
    services.close();
  });

  it('leaves the Aperio JPEG/RGB tiles (truly RGB) uncorrected', async () => {
    const dir = tempDir();
    const { services, timepointId } = await studyWithTimepoint(dir);
    const file = 'CMU-1-small-region_skin_HE.svs';
    const outcome = await services.importFiles(timepointId, [{ path: sharedImage(file), fileName: file }]);
    const image = outcome.imported[0];
    if (!image) throw new Error('not imported');
    const preview = await services.imageAsset(image.id, 'preview');
    const direct = await sharp(sharedImage(file)).stats();
    const fromPreview = await sharp(preview.path).stats();
    fromPreview.channels.forEach((channel, index) => {
      expect(Math.abs(channel.mean - (direct.channels[index]?.mean ?? 0))).toBeLessThan(2);
    });
    // The stored copy is byte-identical to the original, named by its hash.
    const stored = fs.readdirSync(path.join(dir, 'images'));
    expect(stored).toEqual([`${image.sha256}.svs`]);
    services.close();
  });
});
