import sharp, { type Sharp } from 'sharp';
import type { ColourFix } from '../study/repositories';
import { applyColourFix } from './colour-fix';

export interface DecodeOptions {
  /** sharp's limitInputPixels: refuse to decode anything larger. */
  maxImagePixels: number;
  /** A reduced level of the file's own pyramid (a later page, or a SubIFD of page 0) instead of page 0. */
  page?: number;
  subifd?: number;
  /**
   * Read with random access, to cut a region out of a tiled or striped TIFF without decoding what lies
   * above it. PNG and JPEG can only be read from the top, so they (and whole images) read sequentially.
   */
  randomAccess?: boolean;
}

/**
 * The one way to read an imported image's pixels (for previews, and for the analysis): page 0 (for SVS
 * and pyramidal TIFF that is the full-resolution image), EXIF orientation applied so that pixel
 * coordinates match the width and height stored for the image, the stored colour fix applied, and a
 * truncated or damaged file treated as an error rather than silently yielding grey. (failOn 'error'
 * catches truncated JPEG, PNG and TIFF data and damaged tiles; 'warning' would also refuse valid slides
 * over benign libtiff notes about unusual tags.) The tile service reads regions of other pages the same way.
 */
export function openImagePixels(file: string, colourFix: ColourFix | null, options: DecodeOptions): Sharp {
  const pipeline = sharp(file, {
    page: options.page ?? 0,
    ...(options.subifd === undefined ? {} : { subifd: options.subifd }),
    failOn: 'error',
    limitInputPixels: options.maxImagePixels,
    sequentialRead: !options.randomAccess,
  }).autoOrient();
  return applyColourFix(pipeline, colourFix);
}
