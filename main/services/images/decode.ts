import sharp, { type Sharp } from 'sharp';
import type { ColourFix } from '../study/repositories';
import { applyColourFix } from './colour-fix';

export interface DecodeOptions {
  /** sharp's limitInputPixels: refuse to decode anything larger. */
  maxImagePixels: number;
}

/**
 * The one way to read an imported image's pixels (for previews, and for the analysis): page 0 (for SVS
 * and pyramidal TIFF that is the full-resolution image), EXIF orientation applied so that pixel
 * coordinates match the width and height stored for the image, the stored colour fix applied, and a
 * truncated or damaged file treated as an error rather than silently yielding grey. (failOn 'error'
 * catches truncated JPEG, PNG and TIFF data and damaged tiles; 'warning' would also refuse valid slides
 * over benign libtiff notes about unusual tags.)
 */
export function openImagePixels(file: string, colourFix: ColourFix | null, options: DecodeOptions): Sharp {
  const pipeline = sharp(file, {
    page: 0,
    failOn: 'error',
    limitInputPixels: options.maxImagePixels,
    sequentialRead: true,
  }).autoOrient();
  return applyColourFix(pipeline, colourFix);
}
