import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  calibrationFromAperioDescription,
  calibrationFromDensity,
  calibrationFromOmeXml,
  calibrationFromTiff,
  calibrationFromTiffResolution,
} from '../../main/services/images/calibration';
import { jpegStreamColour } from '../../main/services/images/colour-fix';
import { sniffBytes } from '../../main/services/images/sniff';
import {
  bufferSource,
  readTiffDirectory,
  TIFF_TAG,
  TiffFormatError,
  withTiffFile,
} from '../../main/services/images/tiff-tags';
import { hasSharedData, sharedImage } from '../helpers/paths';
import { tissueRgb } from '../helpers/synthetic-images';
import { writeMinimalTiff } from '../helpers/tiff-writer';
import { useTempDirs } from '../helpers/temp-dir';

const OME = (size: string, unit?: string) =>
  `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" ${unit ? `PhysicalSizeXUnit="${unit}" ` : ''}PhysicalSizeX="${size}" PhysicalSizeY="${size}" SizeX="8" SizeY="6" Type="uint8"/></Image></OME>`;

describe('TIFF tag reader: classic and BigTIFF, both byte orders', () => {
  const layouts = [
    { littleEndian: true, bigTiff: false },
    { littleEndian: false, bigTiff: false },
    { littleEndian: true, bigTiff: true },
    { littleEndian: false, bigTiff: true },
  ];
  for (const layout of layouts) {
    const name = `${layout.bigTiff ? 'BigTIFF' : 'classic'} ${layout.littleEndian ? 'little' : 'big'}-endian`;
    it(`reads IFD0 of a ${name} file`, async () => {
      const description =
        'Aperio Image Library v12\n8x6 [0,0 8x6] JPEG/RGB Q=70|AppMag = 20|MPP = 0.2527|Date = 01/02/24';
      const file = writeMinimalTiff({
        width: 8,
        height: 6,
        pixels: new Uint8Array(tissueRgb(8, 6)),
        ...layout,
        tags: {
          [TIFF_TAG.ImageDescription]: { type: 'ascii', value: description },
          [TIFF_TAG.XResolution]: { type: 'rational', value: [[10_000_000, 499]] },
          [TIFF_TAG.ResolutionUnit]: { type: 'short', value: [3] },
        },
      });
      const directory = await readTiffDirectory(bufferSource(file), Object.values(TIFF_TAG));
      expect(directory.littleEndian).toBe(layout.littleEndian);
      expect(directory.bigTiff).toBe(layout.bigTiff);
      expect(directory.tags.get(TIFF_TAG.ImageWidth)).toEqual([8]);
      expect(directory.tags.get(TIFF_TAG.ImageLength)).toEqual([6]);
      expect(directory.tags.get(TIFF_TAG.BitsPerSample)).toEqual([8, 8, 8]);
      expect(directory.tags.get(TIFF_TAG.Compression)).toEqual([1]);
      expect(directory.tags.get(TIFF_TAG.ImageDescription)).toBe(description);
      expect(directory.tags.get(TIFF_TAG.XResolution)).toEqual([10_000_000 / 499]);
      expect(directory.tags.get(TIFF_TAG.ResolutionUnit)).toEqual([3]);
      // The strip offset points at the pixels (the writer puts them last).
      const offset = (directory.tags.get(TIFF_TAG.StripOffsets) as number[])[0];
      expect(offset).toBe(file.length - 8 * 6 * 3);
      // And libtiff (through sharp) agrees that this is a valid TIFF of that size.
      const metadata = await sharp(file).metadata();
      expect([metadata.width, metadata.height, metadata.format]).toEqual([8, 6, 'tiff']);
      expect(calibrationFromTiff({ description, xResolution: 10_000_000 / 499, resolutionUnit: 3 })).toEqual({
        umPerPx: 0.2527,
        origin: 'aperio-mpp',
      });
    });
  }

  it('rejects broken headers and truncated directories with TiffFormatError', async () => {
    await expect(readTiffDirectory(bufferSource(Buffer.from('XX*\0\0\0\0\0')), [256])).rejects.toBeInstanceOf(
      TiffFormatError,
    );
    const good = writeMinimalTiff({ width: 4, height: 4, pixels: new Uint8Array(48) });
    // A header pointing past the end of the file.
    const pointsAway = Buffer.from(good);
    pointsAway.writeUInt32LE(1_000_000, 4);
    await expect(readTiffDirectory(bufferSource(pointsAway), [256])).rejects.toThrow(/ends early/);
    // Cut inside the directory.
    await expect(readTiffDirectory(bufferSource(good.subarray(0, 20)), [256])).rejects.toBeInstanceOf(
      TiffFormatError,
    );
  });

  it.skipIf(!hasSharedData)('reads the real SVS and OME-TIFF descriptions from files', async () => {
    const svs = await withTiffFile(
      sharedImage('CMU-1-small-region_skin_HE.svs'),
      [270, 259, 262],
      async (d) => d,
    );
    expect(String(svs.tags.get(270))).toMatch(/^Aperio Image Library/);
    expect(svs.tags.get(259)).toEqual([7]);
    const ome = await withTiffFile(sharedImage('OS-1-detail_HE.ome.tif'), [270, 282, 296], async (d) => d);
    expect(String(ome.tags.get(270))).toContain('PhysicalSizeX=');
    expect(ome.tags.get(296)).toEqual([3]);
    const j2k = await withTiffFile(
      sharedImage('TCGA-CR-7395-01A-01-TS1_HE_pyramid_j2k.svs'),
      [259],
      async (d) => d,
    );
    expect(j2k.tags.get(259)).toEqual([33005]);
  });
});

describe('calibration rules', () => {
  it('reads OME-XML PhysicalSizeX with its unit (micrometres by default)', () => {
    expect(calibrationFromOmeXml(OME('0.2271'))).toBeCloseTo(0.2271, 10);
    expect(calibrationFromOmeXml(OME('0.2271', 'µm'))).toBeCloseTo(0.2271, 10);
    expect(calibrationFromOmeXml(OME('250', 'nm'))).toBeCloseTo(0.25, 10);
    expect(calibrationFromOmeXml(OME('0.0005', 'mm'))).toBeCloseTo(0.5, 10);
    expect(calibrationFromOmeXml(OME('1', 'parsec'))).toBeNull();
    expect(calibrationFromOmeXml('<OME><Image><Pixels SizeX="3"/></Image></OME>')).toBeNull();
  });

  it('reads Aperio MPP only from an Aperio description', () => {
    expect(calibrationFromAperioDescription('Aperio Image Library v11|AppMag = 20|MPP = 0.4990|X = 1')).toBe(
      0.499,
    );
    expect(calibrationFromAperioDescription('Aperio Image Library v11|AppMag = 20')).toBeNull();
    expect(calibrationFromAperioDescription('Some scanner|MPP = 0.5')).toBeNull();
  });

  it('accepts TIFF resolutions at microscopy scale and ignores document defaults', () => {
    expect(calibrationFromTiffResolution(10_000_000 / 499, 3)).toBeCloseTo(0.499, 10); // px per cm
    expect(calibrationFromTiffResolution(50_800, 2)).toBeCloseTo(0.5, 10); // px per inch
    for (const dpi of [72, 96, 150, 300, 600, 1200, 2400])
      expect(calibrationFromTiffResolution(dpi, 2), `${dpi}`).toBeNull();
    expect(calibrationFromTiffResolution(72 / 2.54, 3)).toBeNull(); // 72 dpi written as px per cm
    expect(calibrationFromTiffResolution(20_000, 1)).toBeNull(); // no unit: no physical scale
    expect(calibrationFromTiffResolution(undefined, 3)).toBeNull();
    expect(calibrationFromDensity(72)).toBeNull();
    expect(calibrationFromDensity(50_800)).toBeCloseTo(0.5, 10);
  });

  it('prefers OME-XML over Aperio over the resolution tags', () => {
    expect(calibrationFromTiff({ description: OME('0.3'), xResolution: 50_800, resolutionUnit: 2 })).toEqual({
      umPerPx: 0.3,
      origin: 'ome-xml',
    });
    expect(calibrationFromTiff({ description: 'plain', xResolution: 50_800, resolutionUnit: 2 })).toEqual({
      umPerPx: 0.5,
      origin: 'tiff-resolution',
    });
    expect(calibrationFromTiff({ description: 'plain', xResolution: 300, resolutionUnit: 2 })).toBeNull();
  });
});

describe('file signatures and JPEG colour markers', () => {
  it('recognises supported containers and names unsupported formats', () => {
    const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array<number>(140).fill(0)]);
    const text = (s: string) => new Uint8Array([...Buffer.from(s), ...new Array<number>(140).fill(0)]);
    expect(sniffBytes(bytes(0xff, 0xd8, 0xff, 0xe0))).toEqual({ kind: 'supported', container: 'jpeg' });
    expect(sniffBytes(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toEqual({
      kind: 'supported',
      container: 'png',
    });
    expect(sniffBytes(text('II*\0'))).toEqual({ kind: 'supported', container: 'tiff' });
    expect(sniffBytes(text('MM\0*'))).toEqual({ kind: 'supported', container: 'tiff' });
    expect(sniffBytes(text('II+\0'))).toEqual({ kind: 'supported', container: 'tiff' });
    expect(sniffBytes(text('MM\0+'))).toEqual({ kind: 'supported', container: 'tiff' });
    expect(sniffBytes(text('GIF89a'))).toEqual({ kind: 'unsupported', formatName: 'GIF' });
    expect(sniffBytes(text('BM6\0\0\0'))).toEqual({ kind: 'unsupported', formatName: 'BMP' });
    expect(sniffBytes(text('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ kind: 'unsupported', formatName: 'WebP' });
    expect(sniffBytes(bytes(0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20))).toEqual({
      kind: 'unsupported',
      formatName: 'JPEG 2000',
    });
    expect(sniffBytes(text('%PDF-1.7'))).toEqual({ kind: 'unsupported', formatName: 'PDF' });
    expect(sniffBytes(text('hello, world'))).toEqual({ kind: 'not-an-image' });
    expect(sniffBytes(new Uint8Array(0))).toEqual({ kind: 'not-an-image' });
  });

  it('reads the colour space a JPEG stream declares, as libjpeg does', async () => {
    // sharp writes no JFIF marker but the YCbCr component ids 1, 2, 3.
    const unmarked = await sharp(tissueRgb(16, 16), { raw: { width: 16, height: 16, channels: 3 } })
      .jpeg()
      .toBuffer();
    expect(jpegStreamColour(unmarked)).toBe('ycbcr');
    const jfif = Buffer.from([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0x00,
      0x10,
      ...Buffer.from('JFIF\0'),
      1,
      1,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
    ]);
    expect(jpegStreamColour(jfif)).toBe('ycbcr');
    // Aperio's RGB tiles: no marker, component ids 0, 1, 2.
    const sof = (ids: number[]) =>
      Buffer.from([
        0xff,
        0xd8,
        0xff,
        0xc0,
        0x00,
        0x11,
        8,
        0,
        16,
        0,
        16,
        3,
        ...ids.flatMap((id) => [id, 0x11, 0]),
        0xff,
        0xda,
      ]);
    expect(jpegStreamColour(sof([0, 1, 2]))).toBe('unknown');
    expect(jpegStreamColour(sof([82, 71, 66]))).toBe('unknown');
    expect(jpegStreamColour(sof([1, 2, 3]))).toBe('ycbcr');
    const adobeRgb = Buffer.from([
      0xff,
      0xd8,
      0xff,
      0xee,
      0x00,
      0x0e,
      ...Buffer.from('Adobe'),
      0x00,
      0x64,
      0,
      0,
      0,
      0,
      0x00,
      0xff,
      0xda,
      0,
      2,
    ]);
    expect(jpegStreamColour(adobeRgb)).toBe('rgb');
    expect(jpegStreamColour(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x04, 0, 0, 0xff, 0xda]))).toBe(
      'unknown',
    );
  });
});

describe('tiff writer sanity', () => {
  const tempDir = useTempDirs();
  it('writes 16-bit pixels that sharp reads back as 16-bit', async () => {
    const file = path.join(tempDir(), 'w16.tif');
    fs.writeFileSync(
      file,
      writeMinimalTiff({
        width: 4,
        height: 2,
        pixels: Uint16Array.from({ length: 24 }, (_v, i) => i * 2000),
        littleEndian: false,
      }),
    );
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    // sharp's default 8-bit output keeps the high byte of each 16-bit sample.
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([4, 2, 3]);
    expect([...data.subarray(0, 6)]).toEqual([0, 2000, 4000, 6000, 8000, 10_000].map((v) => v >> 8));
  });
});
