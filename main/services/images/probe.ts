import sharp, { type Metadata } from 'sharp';
import type { ImageFormat } from '../../../shared/domain';
import { UserError } from '../errors';
import type { ColourFix } from '../study/repositories';
import { calibrationFromDensity, calibrationFromTiff, type FileCalibration } from './calibration';
import { detectColourFix } from './colour-fix';
import { libvipsReason } from './libvips-error';
import { asText, firstNumber, TIFF_TAG, TiffFormatError, withTiffFile } from './tiff-tags';

/** What import learns about a file before decoding it in full. */
export interface ProbedImage {
  format: ImageFormat;
  /** Extension of the content-addressed copy. */
  extension: 'jpg' | 'png' | 'tif' | 'svs';
  /** Full-resolution size after EXIF orientation (the coordinate system of every annotation). */
  width: number;
  height: number;
  bitDepth: number;
  channels: number;
  pages: number;
  calibration: FileCalibration | null;
  colourFix: ColourFix | null;
}

interface TiffFacts {
  description: string | undefined;
  compression: number | undefined;
  xResolution: number | undefined;
  resolutionUnit: number | undefined;
  colourFix: ColourFix | null;
}

/** TIFF compression codes for JPEG 2000 (Aperio 33003/33005, and the generic 34712) that libvips lacks. */
const JPEG_2000_COMPRESSIONS = new Set([33003, 33005, 34712]);

const BITS_PER_SAMPLE: Partial<Record<string, number>> = { uchar: 8, ushort: 16 };

const corrupt = (fileName: string, why: string) =>
  new UserError(
    'CORRUPT_IMAGE',
    `${fileName} could not be read as an image (${why}): it may be truncated or damaged. Copy or export it again from the original and import the new copy.`,
    { file: fileName },
  );

async function readTiffFacts(file: string, fileName: string): Promise<TiffFacts> {
  const wanted = Object.values(TIFF_TAG);
  try {
    return await withTiffFile(file, wanted, async (directory, source) => ({
      description: asText(directory.tags.get(TIFF_TAG.ImageDescription)),
      compression: firstNumber(directory.tags.get(TIFF_TAG.Compression)),
      xResolution: firstNumber(directory.tags.get(TIFF_TAG.XResolution)),
      resolutionUnit: firstNumber(directory.tags.get(TIFF_TAG.ResolutionUnit)),
      colourFix: await detectColourFix(directory, source),
    }));
  } catch (err) {
    if (err instanceof TiffFormatError)
      throw corrupt(fileName, `its TIFF structure is incomplete: ${err.message}`);
    throw err;
  }
}

function densityCalibration(pixelsPerInch: number | undefined): FileCalibration | null {
  const umPerPx = calibrationFromDensity(pixelsPerInch);
  return umPerPx === null ? null : { umPerPx, origin: 'density' };
}

/**
 * Inspect a JPEG, PNG or TIFF (already recognised by its signature) without decoding its pixels, and
 * refuse what DermaQuant cannot import, naming the file and what to do.
 */
export async function probeImage(
  file: string,
  fileName: string,
  container: 'jpeg' | 'png' | 'tiff',
  maxImagePixels: number,
): Promise<ProbedImage> {
  const tiff = container === 'tiff' ? await readTiffFacts(file, fileName) : null;
  const isSvs = tiff?.description?.startsWith('Aperio') ?? false;
  if (tiff?.compression !== undefined && JPEG_2000_COMPRESSIONS.has(tiff.compression)) {
    throw new UserError(
      'UNSUPPORTED_FORMAT',
      `${fileName} is a JPEG 2000-compressed ${isSvs ? 'SVS' : 'TIFF'} (compression ${tiff.compression}), which DermaQuant cannot decode. Export it as a JPEG- or LZW-compressed TIFF (e.g. from QuPath or Aperio ImageScope) and import that.`,
      { file: fileName, compression: tiff.compression },
    );
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw corrupt(fileName, libvipsReason(err));
  }
  const { width, height } = metadata;
  if (!width || !height) throw corrupt(fileName, 'no image size in the file');
  if (width * height > maxImagePixels) {
    const megapixels = (n: number) =>
      `${(n / 1e6).toLocaleString('en-US', { maximumSignificantDigits: 3 })} megapixels`;
    throw new UserError(
      'IMAGE_TOO_LARGE',
      `${fileName} is ${width} x ${height} pixels (${megapixels(width * height)}), over the limit of ${megapixels(maxImagePixels)}. Export a smaller region or a downsampled copy (e.g. from QuPath) and import that.`,
      { file: fileName, width, height, maxImagePixels },
    );
  }
  const bitDepth = BITS_PER_SAMPLE[metadata.depth ?? ''];
  if (bitDepth === undefined) {
    throw new UserError(
      'UNSUPPORTED_FORMAT',
      `${fileName} has ${metadata.depth ?? 'unknown'} samples; DermaQuant imports 8- and 16-bit integer images. Convert it to an 8- or 16-bit TIFF and import that.`,
      { file: fileName, depth: metadata.depth ?? null },
    );
  }
  const oriented = metadata.autoOrient ?? { width, height };
  const format: ImageFormat = isSvs ? 'svs' : container;
  return {
    format,
    extension: format === 'jpeg' ? 'jpg' : format === 'tiff' ? 'tif' : format,
    width: oriented.width,
    height: oriented.height,
    bitDepth,
    channels: metadata.channels ?? 3,
    pages: metadata.pages ?? 1,
    calibration: tiff ? calibrationFromTiff(tiff) : densityCalibration(metadata.density),
    colourFix: tiff?.colourFix ?? null,
  };
}
