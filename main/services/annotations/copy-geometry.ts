/**
 * An annotation's geometry carried onto another image (e.g. the region of interest from the "before"
 * image to the "after" one) in the same pixel coordinates, keeping only what falls inside the target.
 */
import { TiledMask } from '../../../shared/annotations/tiled-mask';
import type { AnnotationGeometry, EncodedMask } from '../../../shared/annotations/types';
import { prepareGeometry, type ImageBounds } from './prepare-geometry';

const inside = (x: number, y: number, image: ImageBounds) =>
  x >= 0 && y >= 0 && x <= image.width && y <= image.height;

/** The part of a mask on the target's grid; null when none of it lands there. */
function cropMask(mask: EncodedMask, source: ImageBounds, target: ImageBounds): EncodedMask | null {
  const from = TiledMask.decode(mask, source.width, source.height);
  const to = new TiledMask(target.width, target.height, mask.scale);
  // fillRow clips to the target grid.
  for (let y = mask.top; y < mask.top + mask.height; y++) {
    const spans = from.rowSpans(y);
    for (let i = 0; i < spans.length; i += 2) to.fillRow(y, spans[i]!, spans[i + 1]!, 1);
  }
  return to.isEmpty() ? null : to.encode();
}

/** The geometry on the target image, or null when nothing of it lies inside the target. */
export function geometryOnImage(
  geometry: AnnotationGeometry,
  source: ImageBounds,
  target: ImageBounds,
): AnnotationGeometry | null {
  switch (geometry.type) {
    case 'polygons': {
      const prepared = prepareGeometry(geometry, target);
      return prepared.ok ? prepared.geometry : null;
    }
    case 'mask': {
      const sameGrid = source.width === target.width && source.height === target.height;
      const mask = sameGrid ? geometry.mask : cropMask(geometry.mask, source, target);
      return mask && { type: 'mask', mask };
    }
    case 'points': {
      const points: number[] = [];
      for (let i = 0; i < geometry.points.length; i += 2) {
        const [x, y] = [geometry.points[i]!, geometry.points[i + 1]!];
        if (inside(x, y, target)) points.push(x, y);
      }
      return points.length > 0 ? { type: 'points', points } : null;
    }
    case 'line': {
      // A line cut at the border would measure something else (a scale bar, a thickness): all or nothing.
      const all = geometry.points.every((_v, i) =>
        i % 2 === 1 ? true : inside(geometry.points[i]!, geometry.points[i + 1]!, target),
      );
      return all ? geometry : null;
    }
  }
}
