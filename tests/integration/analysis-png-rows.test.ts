import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeImageFile, type AnalyzeFileOptions } from '../../main/services/analysis/analyze-file';
import { decodeToSharedPixels, probeForAnalysis } from '../../main/services/analysis/decode-pixels';
import { planPngRows, readPngRows } from '../../main/services/images/png-rows';
import type { AnalysisProtocolInput } from '../../shared/analysis/protocol';
import { findPreset } from '../../shared/analysis/presets';
import { makeSlide, mulberry32, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { encodePng, pngChunk } from '../helpers/png-writer';
import { hasSharedData, sharedImagesDir } from '../helpers/paths';
import { makeTempDir } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];

function noise(length: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** What the analysis reads when sharp decodes the file. */
async function sharpPixels(file: string): Promise<Buffer> {
  const probed = await probeForAnalysis(file, 1e10);
  return Buffer.from((await decodeToSharedPixels(file, probed, 1e10, false)).data);
}

/** What the row-by-row reader gives, or null when it leaves the file to sharp. */
async function rowPixels(file: string): Promise<Buffer | null> {
  const probed = await probeForAnalysis(file, 1e10);
  const plan = await planPngRows(file, probed);
  if (!plan) return null;
  const target = new Uint8Array(plan.width * plan.height * 3);
  const reported: number[] = [];
  await readPngRows(file, plan, target, (rows) => reported.push(rows));
  // Rows are handed over in order, and all of them by the end.
  expect(reported).toEqual([...reported].sort((a, b) => a - b));
  expect(reported.at(-1)).toBe(plan.height);
  return Buffer.from(target);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

const both = async (file: string, protocol: AnalysisProtocolInput, options: AnalyzeFileOptions = {}) => {
  const [rows, viaSharp] = await Promise.all([
    analyzeImageFile(file, protocol, options),
    analyzeImageFile(file, protocol, { ...options, pngDecoder: 'sharp' }),
  ]);
  return {
    rows: JSON.stringify({ p: rows.params, m: rows.measurement, i: rows.image }),
    sharp: JSON.stringify({ p: viaSharp.params, m: viaSharp.measurement, i: viaSharp.image }),
  };
};

describe('PNGs read row by row while the analysis runs (png-rows.ts)', () => {
  const dir = makeTempDir('dermaquant-png-rows-');
  const file = (name: string) => path.join(dir, name);

  beforeAll(() => ensureMainBuilt(), 120_000);

  it('rebuilds every row filter exactly as sharp decodes, for every colour type, across chunk boundaries', async () => {
    const cases = [
      { name: 'rgb-filters.png', width: 97, height: 61, channels: 3, idatBytes: 1000 },
      { name: 'grey-filters.png', width: 131, height: 40, channels: 1, idatBytes: 77 },
      { name: 'grey-alpha-filters.png', width: 50, height: 33, channels: 2, idatBytes: 500 },
      { name: 'rgba-filters.png', width: 64, height: 29, channels: 4, idatBytes: 4096 },
      // Over 1 MB of rows, so inflated chunks end inside rows; and 8-byte IDAT chunks (20 bytes each with
      // header and CRC, the first at byte 33), so the file's 256 KB reads end inside chunk data (at
      // 256 KB), a CRC (768 KB) and a chunk header (1 MB).
      { name: 'rgb-large.png', width: 701, height: 700, channels: 3, idatBytes: 8 },
    ];
    for (const [index, c] of cases.entries()) {
      const pixels = noise(c.width * c.height * c.channels, index + 1);
      // Every filter on neighbouring rows, in an order that puts each after each other one.
      const png = encodePng({
        ...(c as typeof c & { channels: 1 | 2 | 3 | 4 }),
        pixels,
        filters: [0, 1, 2, 3, 4, 2, 0, 4, 1, 3, 3, 0],
      });
      fs.writeFileSync(file(c.name), png);
      const ours = await rowPixels(file(c.name));
      expect(ours, c.name).not.toBeNull();
      expect(ours!.equals(await sharpPixels(file(c.name))), c.name).toBe(true);
    }
    // libpng's own adaptive filtering (mixed filters, as most PNG writers produce).
    const slide = makeSlide({ width: 300, height: 200, target: purple, counter: pink, blobs: [], noise: 3 });
    await sharp(Buffer.from(slide.rgb), { raw: { width: 300, height: 200, channels: 3 } })
      .png({ adaptiveFiltering: true, compressionLevel: 9 })
      .toFile(file('adaptive.png'));
    expect((await rowPixels(file('adaptive.png')))!.equals(await sharpPixels(file('adaptive.png')))).toBe(
      true,
    );
  });

  it('flattens alpha onto white exactly as sharp does, for every value and alpha', async () => {
    // Row y has alpha y; column x has value x (RGBA: red x, green 255 - x, blue 7x mod 256).
    const rgba = new Uint8Array(256 * 256 * 4);
    const greyAlpha = new Uint8Array(256 * 256 * 2);
    for (let y = 0; y < 256; y++) {
      for (let x = 0; x < 256; x++) {
        rgba.set([x, 255 - x, (x * 7) & 255, y], (y * 256 + x) * 4);
        greyAlpha.set([x, y], (y * 256 + x) * 2);
      }
    }
    for (const [name, pixels, channels] of [
      ['every-alpha-rgba.png', rgba, 4],
      ['every-alpha-grey.png', greyAlpha, 2],
    ] as const) {
      fs.writeFileSync(file(name), encodePng({ width: 256, height: 256, pixels, channels, filters: [4, 0] }));
      expect((await rowPixels(file(name)))!.equals(await sharpPixels(file(name))), name).toBe(true);
    }
  });

  it('reads past chunks that do not change the pixels (gamma, text, physical size)', async () => {
    const pixels = noise(40 * 30 * 3, 7);
    const withNotes = encodePng({
      width: 40,
      height: 30,
      pixels,
      filters: [4, 1],
      extraChunks: [
        { type: 'gAMA', data: Uint8Array.of(0, 0, 0xb1, 0x8f) },
        { type: 'tEXt', data: Buffer.from('Comment\0scanned at 20x', 'latin1') },
        { type: 'pHYs', data: Uint8Array.of(0, 0, 0x0e, 0xc4, 0, 0, 0x0e, 0xc4, 1) },
      ],
    });
    fs.writeFileSync(file('notes.png'), withNotes);
    expect((await rowPixels(file('notes.png')))!.equals(await sharpPixels(file('notes.png')))).toBe(true);
  });

  it('leaves to sharp the PNGs it does not read, with the same numbers', async () => {
    const slide = makeSlide({
      width: 120,
      height: 90,
      target: purple,
      counter: pink,
      blobs: randomBlobs(120, 90, 6, 3),
      noise: 2,
    });
    const raw = () => sharp(Buffer.from(slide.rgb), { raw: { width: 120, height: 90, channels: 3 } });
    const others: [string, () => Promise<unknown>][] = [
      ['palette.png', () => raw().png({ palette: true }).toFile(file('palette.png'))],
      ['deep.png', () => raw().toColourspace('rgb16').png().toFile(file('deep.png'))],
      ['interlaced.png', () => raw().png({ progressive: true }).toFile(file('interlaced.png'))],
      ['profile.png', () => raw().withIccProfile('p3').png().toFile(file('profile.png'))],
      ['turned.png', () => raw().withMetadata({ orientation: 3 }).png().toFile(file('turned.png'))],
      [
        'transparent-colour.png',
        async () =>
          fs.writeFileSync(
            file('transparent-colour.png'),
            encodePng({
              width: 120,
              height: 90,
              pixels: slide.rgb,
              extraChunks: [{ type: 'tRNS', data: Uint8Array.of(0, 255, 0, 255, 0, 255) }],
            }),
          ),
      ],
    ];
    for (const [name, write] of others) {
      await write();
      expect(await planPngRows(file(name), await probeForAnalysis(file(name), 1e10)), name).toBeNull();
      const { rows, sharp: viaSharp } = await both(file(name), {});
      expect(rows, name).toBe(viaSharp);
    }
  });

  it('gives the numbers sharp decoding gives, for every pass, region and thread count', async () => {
    const slide = makeSlide({
      width: 420,
      height: 300,
      target: purple,
      counter: pink,
      blobs: randomBlobs(420, 300, 40, 11),
      noise: 2,
    });
    const raw = sharp(Buffer.from(slide.rgb), { raw: { width: 420, height: 300, channels: 3 } });
    await raw.clone().png({ adaptiveFiltering: true }).toFile(file('slide.png'));
    await raw.clone().toColourspace('b-w').png().toFile(file('slide-grey.png'));
    const region = {
      include: [[[10, 5, 400, 20, 380, 290, 30, 280]]],
      exclude: [[[100, 100, 160, 100, 160, 170]]],
    };
    const everyPass: AnalysisProtocolInput = {
      threshold: { method: 'otsu' },
      white: 'auto',
      smoothing: { sigma: 1.5, unit: 'px' },
      minObjectArea: 12,
      maxHoleArea: 30,
    };
    const grey: AnalysisProtocolInput = {
      stain: 'hed',
      channel: 'hematoxylin',
      threshold: { method: 'triangle' },
    };
    for (const [name, protocol, options] of [
      ['slide.png', {}, {}],
      ['slide.png', everyPass, {}],
      ['slide.png', everyPass, { workers: 2, bandRows: 7 }],
      ['slide.png', everyPass, { region, workers: 1, bandRows: 1 }],
      ['slide-grey.png', grey, {}],
    ] as const) {
      const { rows, sharp: viaSharp } = await both(file(name), protocol, options);
      expect(rows).toBe(viaSharp);
    }
    const exact = await analyzeImageFile(file('slide.png'), { threshold: { method: 'fixed', od: 0.15 } });
    expect(exact.measurement.stainedAreaPx).toBe(slide.truthCount);
  });

  it.skipIf(!hasSharedData)('gives the numbers sharp decoding gives on the real PNGs', async () => {
    const pngs = fs.readdirSync(sharedImagesDir).filter((name) => name.endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(0);
    let readByRows = 0;
    for (const name of pngs) {
      const real = path.join(sharedImagesDir, name);
      if (await planPngRows(real, await probeForAnalysis(real, 1e10))) readByRows++;
      const { rows, sharp: viaSharp } = await both(real, {});
      expect(rows, name).toBe(viaSharp);
    }
    expect(readByRows).toBe(pngs.length);
  });

  it('refuses damaged image data as sharp does, naming the file, and keeps the file as it was', async () => {
    const pixels = noise(64 * 48 * 3, 3);
    const good = encodePng({ width: 64, height: 48, pixels, filters: [1, 4], idatBytes: 500 });
    const firstIdat = good.indexOf(Buffer.from('IDAT', 'latin1'));

    const cases: [string, Buffer, RegExp][] = [
      ['cut.png', good.subarray(0, firstIdat + 3000), /ends|unexpected end/],
      [
        'flipped.png',
        (() => {
          const copy = Buffer.from(good);
          copy[firstIdat + 200] ^= 0x40;
          return copy;
        })(),
        /checksum/,
      ],
      [
        'bad-filter.png',
        encodePng({ width: 64, height: 48, pixels, filters: [1, 4, 1, 4, 1, 9] }),
        /filter type 9/,
      ],
    ];
    for (const [name, bytes, why] of cases) {
      fs.writeFileSync(file(name), bytes);
      const before = fs.readFileSync(file(name));
      const ours = await rejection(analyzeImageFile(file(name), {}));
      expect(ours.code, name).toBe('CORRUPT_IMAGE');
      expect(ours.message).toContain(file(name));
      expect(ours.message).toMatch(why);
      expect(ours.message).toMatch(/truncated or damaged/);
      expect((await rejection(analyzeImageFile(file(name), {}, { pngDecoder: 'sharp' }))).code, name).toBe(
        'CORRUPT_IMAGE',
      );
      expect(fs.readFileSync(file(name)).equals(before)).toBe(true);
    }
    // A damaged text chunk is skipped (libpng only warns about ancillary chunks): both readers agree.
    const notes = encodePng({
      width: 64,
      height: 48,
      pixels,
      extraChunks: [{ type: 'tEXt', data: Buffer.from('Comment\0x', 'latin1') }],
    });
    const textChunk = notes.indexOf(Buffer.from('tEXt', 'latin1'));
    notes[textChunk + 4 + 9] ^= 0xff; // the chunk's CRC
    fs.writeFileSync(file('bad-text.png'), notes);
    const { rows, sharp: viaSharp } = await both(file('bad-text.png'), {});
    expect(rows).toBe(viaSharp);
  });

  it('stops reading when the analysis is cancelled', async () => {
    const big = encodePng({ width: 1000, height: 800, pixels: noise(1000 * 800 * 3, 5), idatBytes: 4096 });
    fs.writeFileSync(file('big.png'), big);
    const controller = new AbortController();
    const err = await rejection(
      analyzeImageFile(
        file('big.png'),
        {},
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'analyse' && p.done === 2) controller.abort();
          },
        },
      ),
    );
    expect(err.code).toBe('CANCELLED');
  });

  it('writes an RGB row as sharp does for a one-pixel-wide image and a single row', async () => {
    for (const [name, width, height] of [
      ['column.png', 1, 50],
      ['row.png', 77, 1],
    ] as const) {
      fs.writeFileSync(
        file(name),
        encodePng({ width, height, pixels: noise(width * height * 3, 9), filters: [4, 3] }),
      );
      expect((await rowPixels(file(name)))!.equals(await sharpPixels(file(name)))).toBe(true);
    }
  });

  it('the test writer makes standard chunks (IEND with its published CRC)', () => {
    expect(pngChunk('IEND', new Uint8Array(0)).toString('hex')).toBe('0000000049454e44ae426082');
  });
});
