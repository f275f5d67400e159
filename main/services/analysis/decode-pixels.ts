/**
 * Decode an image for analysis: page 0 at full resolution, EXIF orientation applied (the coordinate system
 * of every annotation), the stored colour fix applied, alpha flattened onto white (transparent = empty
 * slide), grey and 16-bit images turned into 8-bit sRGB. The pixels land in a SharedArrayBuffer that
 * every worker reads without a copy.
 */
import path from 'node:path';
import type { PixelBuffer } from '../../../shared/analysis/kernel';
import { UserError } from '../errors';
import sharp from 'sharp';
import { checkImageSource } from '../images/check-source';
import { applyColourFix } from '../images/colour-fix';
import { openImagePixels } from '../images/decode';
import { libvipsReason } from '../images/libvips-error';
import { probeImage, type ProbedImage } from '../images/probe';

export interface SharedPixels extends PixelBuffer {
  data: Uint8Array;
  /** The memory workers read; null when decoded for this thread only (no copy made). */
  shared: SharedArrayBuffer | null;
}

/** Check that `file` is an image DermaQuant reads, and learn its size and calibration without decoding. */
export async function probeForAnalysis(file: string, maxImagePixels: number): Promise<ProbedImage> {
  const fileName = path.basename(file);
  // Messages name the path as given: the caller knows the file by it.
  const container = await checkImageSource(file, file, 'analysis');
  return probeImage(file, fileName, container, maxImagePixels);
}

/** The error for an image whose pixels cannot be decoded (`why`: the decoder's reason, in its words). */
export function undecodable(file: string, why: string): UserError {
  return new UserError(
    'CORRUPT_IMAGE',
    `${file} could not be decoded (${why}): it may be truncated or damaged. Copy or export it again from the original.`,
    { file },
  );
}

/** Rows [top, top + rows) of the oriented image, or all of it. */
export interface RowRange {
  top: number;
  rows: number;
}

/**
 * Decode the image (or the rows of `range`). forWorkers: copy into shared memory, into `reuse` when it is
 * given and large enough (strips reuse two buffers: shared memory is only freed once every thread's
 * garbage collector lets go of it, so fresh buffers per strip would pile up).
 */
export async function decodeToSharedPixels(
  file: string,
  probed: ProbedImage,
  maxImagePixels: number,
  forWorkers = true,
  range: RowRange | null = null,
  reuse: SharedArrayBuffer | null = null,
): Promise<SharedPixels> {
  // A TIFF or SVS strip is read with random access (libvips' sequential mode re-reads from the top: a third
  // slower over a whole-slide image); PNG and JPEG, which libvips can only read from the top, and whole
  // images as every other decode of an imported image.
  const randomAccess = probed.format === 'tiff' || probed.format === 'svs';
  let pipeline =
    range && randomAccess
      ? applyColourFix(
          sharp(file, { page: 0, failOn: 'warning', limitInputPixels: maxImagePixels }).autoOrient(),
          probed.colourFix,
        )
      : openImagePixels(file, probed.colourFix, { maxImagePixels });
  // After autoOrient, so the rows are those of the oriented image.
  if (range)
    pipeline = pipeline.extract({ left: 0, top: range.top, width: probed.width, height: range.rows });
  if (probed.channels === 2 || probed.channels === 4) pipeline = pipeline.flatten({ background: '#ffffff' });
  if (probed.channels < 3 || probed.bitDepth !== 8) pipeline = pipeline.toColourspace('srgb');
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw undecodable(file, libvipsReason(err));
  }
  const { data, info } = decoded;
  if (info.channels !== 3) {
    throw new UserError('UNSUPPORTED_FORMAT', `${file} decodes to ${info.channels} channels, not RGB.`, {
      file,
    });
  }
  // A strip keeps the full image height (see PixelBuffer) and says where it starts.
  const size = range
    ? { width: info.width, height: probed.height, channels: 3, firstRow: range.top }
    : { width: info.width, height: info.height, channels: 3 };
  if (!forWorkers)
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), shared: null, ...size };
  const shared = reuse && reuse.byteLength >= data.length ? reuse : new SharedArrayBuffer(data.length);
  const bytes = new Uint8Array(shared, 0, data.length);
  bytes.set(data);
  return { data: bytes, shared, ...size };
}
