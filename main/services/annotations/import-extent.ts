/**
 * Shapes drawn on an image of another size (a pyramid level other than full resolution, a crop, a
 * downsampled export) land in the wrong place without any error: the one sign is that they reach
 * beyond the image. That is worth a warning even when clipping keeps part of them.
 */
import { pointsBBox } from '../../../shared/geometry/measure';
import type { FileShape } from '../../../shared/formats/annotation-file';
import type { ImageBounds } from './prepare-geometry';

/** Half a pixel: outlines traced along the image border may sit on its edge or just past it. */
const TOLERANCE_PX = 0.5;

const round = (n: number) => Math.round(n * 10) / 10;

export function shapesExtentWarning(shapes: readonly FileShape[], image: ImageBounds): string | null {
  const outer = shapes.flatMap((s) => s.geometry.polygons.map((p) => pointsBBox(p.outer)));
  const boxes = outer.filter((b): b is NonNullable<typeof b> => b !== null);
  if (boxes.length === 0) return null;
  const minX = Math.min(...boxes.map((b) => b.minX));
  const minY = Math.min(...boxes.map((b) => b.minY));
  const maxX = Math.max(...boxes.map((b) => b.maxX));
  const maxY = Math.max(...boxes.map((b) => b.maxY));
  const inside =
    minX >= -TOLERANCE_PX &&
    minY >= -TOLERANCE_PX &&
    maxX <= image.width + TOLERANCE_PX &&
    maxY <= image.height + TOLERANCE_PX;
  if (inside) return null;
  return (
    `The shapes span x ${round(minX)} to ${round(maxX)}, y ${round(minY)} to ${round(maxY)}, beyond this ` +
    `${image.width} x ${image.height} px image: parts outside it were cut off. If they were drawn on an ` +
    'image of another size (another pyramid level, a crop or a downsampled copy), they do not line up: ' +
    'undo the import and export them from the full-resolution image.'
  );
}
