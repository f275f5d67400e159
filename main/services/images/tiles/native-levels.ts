import sharp from 'sharp';
import type { ImageFormat } from '../../../../shared/domain';

/**
 * A directory of the stored file that holds the whole image at a reduced size: page 0 itself, or a level
 * of the file's own pyramid (later pages in Aperio SVS and libvips' pyramidal TIFF, SubIFDs of page 0 in
 * OME-TIFF). Sizes are after EXIF orientation, like the image's own.
 */
export interface LevelSource {
  page: number;
  subifd?: number;
  width: number;
  height: number;
  /** Full-resolution pixels per pixel of this directory (1 for page 0). */
  downsample: number;
}

interface Directory {
  page: number;
  subifd?: number;
}

async function orientedSize(file: string, directory: Directory) {
  const options = directory.subifd === undefined ? { page: directory.page } : directory;
  const metadata = await sharp(file, { ...options, limitInputPixels: false }).metadata();
  const size = metadata.autoOrient ?? { width: metadata.width, height: metadata.height };
  return { ...size, subifds: metadata.subifds ?? 0, pages: metadata.pages ?? 1 };
}

/**
 * Whether a directory is the image downsampled (the same aspect within a pixel of rounding) rather than
 * another picture in the file (an SVS label or macro photograph).
 */
const isReducedCopy = (image: { width: number; height: number }, width: number, height: number) =>
  width > 0 && width < image.width && Math.abs((image.height * width) / image.width - height) <= 1.5;

/**
 * The full-resolution page 0 plus every reduced copy of the image the file holds, finest first. PNG and
 * JPEG hold one picture; a TIFF without a pyramid gives page 0 alone.
 */
export async function findLevelSources(
  file: string,
  format: ImageFormat,
  image: { width: number; height: number },
): Promise<LevelSource[]> {
  const full: LevelSource = { page: 0, width: image.width, height: image.height, downsample: 1 };
  if (format !== 'tiff' && format !== 'svs') return [full];
  const first = await orientedSize(file, { page: 0 });
  const directories: Directory[] = [
    ...Array.from({ length: first.pages - 1 }, (_v, i) => ({ page: i + 1 })),
    ...Array.from({ length: first.subifds }, (_v, i) => ({ page: 0, subifd: i })),
  ];
  const reduced: LevelSource[] = [];
  for (const directory of directories) {
    const size = await orientedSize(file, directory).catch(() => null); // an unreadable extra page is skipped
    if (size?.width && size.height && isReducedCopy(image, size.width, size.height)) {
      reduced.push({
        ...directory,
        width: size.width,
        height: size.height,
        downsample: image.width / size.width,
      });
    }
  }
  return [full, ...reduced.sort((a, b) => a.downsample - b.downsample)];
}

/**
 * The directory to cut a tile of pyramid `level` from: the most reduced one that still has at least
 * the level's detail (downsample at most 2^level), so a coarse tile never decodes the full-resolution
 * page when the file already holds a smaller copy.
 */
export function levelSourceFor(sources: LevelSource[], level: number): LevelSource {
  // 1 % slack: libvips rounds each level down (3000 -> 187 px at 1/16 is 1/16.04), which no one can see.
  const wanted = 2 ** level * 1.01;
  return sources.reduce((best, s) => (s.downsample <= wanted && s.downsample > best.downsample ? s : best));
}
