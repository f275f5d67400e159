import type { JpegOptions } from 'sharp';
import {
  tileImageRect,
  tileLevelRect,
  type TileAddress,
  type TilePyramid,
} from '../../../../shared/geometry/tiles';
import type { ColourFix } from '../../study/repositories';
import { openImagePixels } from '../decode';
import { displayJpeg } from '../previews';
import { levelSourceFor, type LevelSource } from './native-levels';

export interface TileSourceFile {
  path: string;
  /** TIFF and SVS can be read at any region; PNG and JPEG only from the top. */
  randomAccess: boolean;
  colourFix: ColourFix | null;
  levels: LevelSource[];
}

/** Tiles are looked at closely: better quality than the preview, and no chroma subsampling (thin stained fibres). */
const TILE_JPEG: JpegOptions = { quality: 92, chromaSubsampling: '4:4:4' };

/**
 * Encode one tile as JPEG: the tile's full-resolution region (shared/geometry/tiles.ts) cut from the
 * best directory of the file for its level, resized to the tile's size when that directory is not
 * exactly the level, then shown as the preview is (orientation, colour fix, white background, sRGB).
 */
export async function renderTile(
  source: TileSourceFile,
  pyramid: TilePyramid,
  address: TileAddress,
  maxImagePixels: number,
): Promise<Buffer> {
  const region = tileImageRect(pyramid, address);
  const out = tileLevelRect(pyramid, address);
  const level = levelSourceFor(source.levels, address.level);
  const sx = level.width / pyramid.width;
  const sy = level.height / pyramid.height;
  const left = Math.min(Math.floor(region.left * sx), level.width - 1);
  const top = Math.min(Math.floor(region.top * sy), level.height - 1);
  const right = Math.max(left + 1, Math.min(level.width, Math.ceil((region.left + region.width) * sx)));
  const bottom = Math.max(top + 1, Math.min(level.height, Math.ceil((region.top + region.height) * sy)));
  let pipeline = openImagePixels(source.path, source.colourFix, {
    maxImagePixels,
    page: level.page,
    ...(level.subifd === undefined ? {} : { subifd: level.subifd }),
    randomAccess: source.randomAccess,
  }).extract({ left, top, width: right - left, height: bottom - top });
  if (right - left !== out.width || bottom - top !== out.height) {
    pipeline = pipeline.resize(out.width, out.height, { fit: 'fill', kernel: 'lanczos3' });
  }
  return displayJpeg(pipeline, TILE_JPEG).toBuffer();
}
