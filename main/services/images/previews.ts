import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp, { type JpegOptions, type Sharp } from 'sharp';
import type { ImageAssetKind } from '../../../shared/api';
import type { ColourFix } from '../study/repositories';
import { CACHE_DIR, cachePath } from '../study/study-files';
import { studySubfolder } from '../study/study-paths';
import { openImagePixels } from './decode';
import { commitFile, temporaryPath } from './stored-files';

/** The display preview's long side: enough for a sharp view of a biopsy on a 4K screen. */
export const PREVIEW_MAX_SIDE = 4096;
export const THUMBNAIL_MAX_SIDE = 256;

/** Where a cached asset of an image lives (regenerable from the stored copy at any time). */
export const assetPath = (studyDir: string, sha256: string, kind: ImageAssetKind): string =>
  path.join(cachePath(studyDir), `${sha256}.${kind}.jpg`);

/**
 * What the viewer is shown, previews and tiles alike: transparency on white (an empty slide), 8-bit sRGB
 * (16-bit and grey images included), JPEG.
 */
export const displayJpeg = (pipeline: Sharp, jpeg: JpegOptions = { quality: 90 }): Sharp =>
  pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb').jpeg(jpeg);

export interface PreviewSize {
  previewWidth: number;
  previewHeight: number;
}

/**
 * Decode the whole image (so a truncated or damaged file fails here, before anything is kept) and
 * write its display preview (8-bit sRGB JPEG, at most PREVIEW_MAX_SIDE px, transparency on white) and
 * thumbnail into cache/. Both are written under temporary names and renamed into place.
 */
export async function writePreviews(
  source: string,
  colourFix: ColourFix | null,
  studyDir: string,
  sha256: string,
  maxImagePixels: number,
): Promise<PreviewSize> {
  const dir = await studySubfolder(studyDir, CACHE_DIR);
  const previewTemp = temporaryPath(dir, 'preview');
  const thumbnailTemp = temporaryPath(dir, 'thumbnail');
  try {
    const preview = await displayJpeg(
      openImagePixels(source, colourFix, { maxImagePixels }).resize({
        width: PREVIEW_MAX_SIDE,
        height: PREVIEW_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      }),
    ).toFile(previewTemp);
    await sharp(previewTemp)
      .resize({
        width: THUMBNAIL_MAX_SIDE,
        height: THUMBNAIL_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .jpeg({ quality: 80 })
      .toFile(thumbnailTemp);
    await commitFile(previewTemp, assetPath(studyDir, sha256, 'preview'));
    await commitFile(thumbnailTemp, assetPath(studyDir, sha256, 'thumbnail'));
    return { previewWidth: preview.width, previewHeight: preview.height };
  } finally {
    await fsp.rm(previewTemp, { force: true });
    await fsp.rm(thumbnailTemp, { force: true });
  }
}

/** Remove an image's cached assets (after a failed import). */
export async function removePreviews(studyDir: string, sha256: string): Promise<void> {
  await fsp.rm(assetPath(studyDir, sha256, 'preview'), { force: true });
  await fsp.rm(assetPath(studyDir, sha256, 'thumbnail'), { force: true });
}
