import type { Sharp } from 'sharp';
import type { ColourFix } from '../study/repositories';
import { firstNumber, TIFF_TAG, type ByteSource, type TiffDirectory } from './tiff-tags';

/**
 * Some TIFF writers (Bio-Formats/QuPath OME-TIFF among them) store JPEG tiles whose stream is YCbCr
 * (it carries a JFIF marker, which by definition means YCbCr) while the TIFF tag says
 * PhotometricInterpretation = RGB. libvips believes the tag and hands back the raw Y, Cb, Cr samples as
 * if they were R, G, B: a green/salmon cast (checked with libvips 8.18: it does so for JFIF-marked
 * streams and for unmarked streams with the YCbCr component ids 1, 2, 3 alike). No sharp option changes how libvips sets up the JPEG
 * decoder, but the damage is an exact per-pixel linear map, so we undo it after decoding with the
 * JFIF (ITU-R BT.601 full-range) YCbCr-to-RGB matrix. Aperio's "JPEG/RGB" tiles, which really are RGB
 * (no marker, component ids 0, 1, 2), are left alone.
 */

const COMPRESSION_JPEG = 7;
const PHOTOMETRIC_RGB = 2;

type JpegColour = 'ycbcr' | 'rgb' | 'unknown';

const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);

/**
 * What a JPEG stream's own markers say about its colour space, by libjpeg's rules: a JFIF marker means
 * YCbCr; an Adobe marker says so in its transform flag; otherwise component ids 1, 2, 3 are the JFIF
 * convention for YCbCr. Anything else (ids 'R','G','B', or Aperio's 0, 1, 2) is left to the TIFF tag.
 */
export function jpegStreamColour(stream: Uint8Array): JpegColour {
  let componentIds: number[] = [];
  let at = 2; // after SOI
  while (at + 4 <= stream.length && stream[at] === 0xff) {
    const marker = stream[at + 1] as number;
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image: no more headers
    const length = ((stream[at + 2] as number) << 8) | (stream[at + 3] as number);
    const segment = stream.subarray(at + 4, at + 2 + length);
    const name = String.fromCharCode(...segment.subarray(0, 5));
    if (marker === 0xe0 && name === 'JFIF\0') return 'ycbcr';
    if (marker === 0xee && name === 'Adobe' && segment.length >= 12) {
      return segment[11] === 0 ? 'rgb' : 'ycbcr';
    }
    if (isStartOfFrame(marker) && segment.length >= 6) {
      const count = segment[5] as number;
      componentIds = Array.from({ length: count }, (_v, i) => segment[6 + i * 3] as number);
    }
    at += 2 + length;
  }
  if (componentIds.length === 3 && componentIds.join() === '1,2,3') return 'ycbcr';
  return 'unknown';
}

/** Decide from IFD0 (and the first tile or strip) whether decoded pixels need the YCbCr correction. */
export async function detectColourFix(
  directory: TiffDirectory,
  source: ByteSource,
): Promise<ColourFix | null> {
  const tags = directory.tags;
  const samples = firstNumber(tags.get(277)) ?? 1;
  if (
    firstNumber(tags.get(TIFF_TAG.Compression)) !== COMPRESSION_JPEG ||
    firstNumber(tags.get(TIFF_TAG.PhotometricInterpretation)) !== PHOTOMETRIC_RGB ||
    samples !== 3
  ) {
    return null;
  }
  const offset = firstNumber(tags.get(TIFF_TAG.TileOffsets)) ?? firstNumber(tags.get(TIFF_TAG.StripOffsets));
  const count =
    firstNumber(tags.get(TIFF_TAG.TileByteCounts)) ?? firstNumber(tags.get(TIFF_TAG.StripByteCounts));
  if (offset === undefined || count === undefined) return null;
  const headerBytes = await source.read(offset, Math.min(count, 64 * 1024));
  const tables = tags.get(TIFF_TAG.JPEGTables);
  const fromStream = jpegStreamColour(headerBytes);
  const colour =
    fromStream !== 'unknown' || !(tables instanceof Uint8Array) ? fromStream : jpegStreamColour(tables);
  return colour === 'ycbcr' ? 'ycbcr-tagged-rgb' : null;
}

/** JFIF YCbCr -> RGB: R = Y + 1.402 (Cr-128), G = Y - 0.344136 (Cb-128) - 0.714136 (Cr-128), B = Y + 1.772 (Cb-128). */
const YCBCR_TO_RGB: [[number, number, number], [number, number, number], [number, number, number]] = [
  [1, 0, 1.402],
  [1, -0.344136, -0.714136],
  [1, 1.772, 0],
];
const YCBCR_OFFSETS = [-1.402 * 128, (0.344136 + 0.714136) * 128, -1.772 * 128];

/**
 * Apply a stored colour fix to a sharp pipeline. sharp runs recomb (float output) before linear, and
 * linear then rounds and clamps back to 8 bits, so the offsets are added after the matrix.
 */
export function applyColourFix(pipeline: Sharp, fix: ColourFix | null): Sharp {
  if (fix !== 'ycbcr-tagged-rgb') return pipeline;
  return pipeline.recomb(YCBCR_TO_RGB).linear([1, 1, 1], YCBCR_OFFSETS);
}
