import fs from 'node:fs';
import sharp from 'sharp';
import { writeMinimalTiff, type TagValue } from './tiff-writer';

/**
 * Synthetic slide-like images written with real sharp: a white background with a stained tissue blob
 * whose colour follows Beer-Lambert (I = 255 * 10^-(OD)) for a haematoxylin-like and an eosin-like stain.
 * Deterministic, so hashes and sizes are stable across runs.
 */

const HAEMATOXYLIN = [0.65, 0.7, 0.29];
const EOSIN = [0.07, 0.99, 0.11];

/** Interleaved 8-bit RGB pixels of a tissue blob; `seed` shifts the pattern so files differ. */
export function tissueRgb(width: number, height: number, seed = 0): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.min(width, height) * 0.4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = Math.hypot(x - cx, y - cy) < radius;
      const wave = 0.5 + 0.5 * Math.sin((x + seed * 7) / 9) * Math.cos((y - seed * 3) / 11);
      const h = inside ? 0.6 * wave : 0;
      const e = inside ? 0.4 * (1 - wave) + 0.1 : 0;
      for (let c = 0; c < 3; c++) {
        const od = h * (HAEMATOXYLIN[c] as number) + e * (EOSIN[c] as number);
        pixels[(y * width + x) * 3 + c] = Math.round(255 * 10 ** -od);
      }
    }
  }
  return pixels;
}

const rgb = (width: number, height: number, seed = 0) =>
  sharp(tissueRgb(width, height, seed), { raw: { width, height, channels: 3 } });

export async function writePng(
  file: string,
  options: {
    width: number;
    height: number;
    seed?: number;
    alpha?: boolean;
    grey?: boolean;
    bits16?: boolean;
  },
): Promise<string> {
  let image = rgb(options.width, options.height, options.seed);
  if (options.alpha) image = image.ensureAlpha(0.5);
  if (options.grey) image = image.toColourspace(options.bits16 ? 'grey16' : 'b-w');
  else if (options.bits16) image = image.toColourspace('rgb16');
  await image.png().toFile(file);
  return file;
}

/** A JPEG whose stored pixels are `width` x `height`, with an EXIF orientation tag (6 = rotate 90 cw). */
export async function writeJpeg(
  file: string,
  options: { width: number; height: number; seed?: number; orientation?: number; density?: number },
): Promise<string> {
  let image = rgb(options.width, options.height, options.seed);
  if (options.orientation !== undefined || options.density !== undefined) {
    image = image.withMetadata({
      ...(options.orientation !== undefined ? { orientation: options.orientation } : {}),
      ...(options.density !== undefined ? { density: options.density } : {}),
    });
  }
  await image.jpeg({ quality: 90 }).toFile(file);
  return file;
}

/** A tiled, multi-page (pyramid) JPEG-compressed TIFF with resolution tags in pixels per centimetre. */
export async function writeTiledPyramidTiff(
  file: string,
  options: { width: number; height: number; umPerPx: number | null; seed?: number },
): Promise<string> {
  const pxPerMm = options.umPerPx === null ? undefined : 1000 / options.umPerPx;
  await rgb(options.width, options.height, options.seed)
    .tiff({
      tile: true,
      tileWidth: 256,
      tileHeight: 256,
      pyramid: true,
      compression: 'jpeg',
      quality: 85,
      ...(pxPerMm === undefined ? {} : { xres: pxPerMm, yres: pxPerMm, resolutionUnit: 'cm' as const }),
    })
    .toFile(file);
  return file;
}

/** An uncompressed TIFF from the minimal writer: any byte order, BigTIFF, 16-bit, extra tags. */
export function writeRawTiff(
  file: string,
  options: {
    width: number;
    height: number;
    seed?: number;
    bits16?: boolean;
    littleEndian?: boolean;
    bigTiff?: boolean;
    tags?: Record<number, TagValue>;
  },
): string {
  const rgb8 = tissueRgb(options.width, options.height, options.seed);
  const pixels = options.bits16 ? Uint16Array.from(rgb8, (v) => v * 257) : new Uint8Array(rgb8);
  fs.writeFileSync(
    file,
    writeMinimalTiff({
      width: options.width,
      height: options.height,
      pixels,
      littleEndian: options.littleEndian ?? true,
      bigTiff: options.bigTiff ?? false,
      tags: options.tags ?? {},
    }),
  );
  return file;
}

/** Mean of each channel of an image file as sharp decodes it (after EXIF orientation). */
export async function channelMeans(file: string | Buffer): Promise<number[]> {
  const stats = await sharp(file).stats();
  return stats.channels.map((channel) => channel.mean);
}

/**
 * A TIFF whose one strip is a YCbCr JPEG stream while PhotometricInterpretation says RGB, as
 * Bio-Formats writes OME-TIFF tiles. With `jfif`, the stream carries a JFIF marker (as Bio-Formats'
 * do); without, it relies on the YCbCr component ids 1, 2, 3. Returns the true RGB pixels too.
 */
export async function writeYcbcrJpegTaggedRgbTiff(
  file: string,
  options: { width: number; height: number; jfif: boolean; seed?: number },
): Promise<Buffer> {
  const { width, height } = options;
  const pixels = tissueRgb(width, height, options.seed);
  let jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
    .toBuffer();
  if (options.jfif) {
    const app0 = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    jpeg = Buffer.concat([jpeg.subarray(0, 2), app0, jpeg.subarray(2)]);
  }
  fs.writeFileSync(
    file,
    writeMinimalTiff({
      width,
      height,
      pixels: new Uint8Array(width * height * 3),
      strip: jpeg,
      tags: { 259: { type: 'short', value: [7] } },
    }),
  );
  return pixels;
}
