/**
 * An image's stored annotations as a QuPath GeoJSON FeatureCollection (geojson-export.ts): outlines as
 * polygons, painted masks as exact pixel rectangles, each classified with its class name and colour and
 * measured in QuPath's own names. Points and lines have no area and are left out.
 */
import type { Annotation, AnnotationClass } from '../annotations/types';
import type { MultiPolygon } from '../geometry/types';
import {
  shapeMeasurements,
  toQuPathFeatureCollection,
  type ExportFeature,
  type QuPathFeatureCollection,
} from './geojson-export';
import type { Rgb } from './geojson-import';
import { maskToRectangles } from './mask-rectangles';

const rgbOf = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;

function areaOf(annotation: Annotation): MultiPolygon | null {
  const { geometry } = annotation;
  if (geometry.type === 'polygons') return geometry.polygons.map((p) => ({ outer: p.outer, holes: p.holes }));
  if (geometry.type === 'mask') return maskToRectangles(geometry.mask);
  return null;
}

export function annotationsToQuPath(
  annotations: readonly Annotation[],
  classes: readonly Pick<AnnotationClass, 'id' | 'name' | 'colour'>[],
  image: { sha256: string; umPerPx: number | null; locked: boolean },
): QuPathFeatureCollection {
  const features: ExportFeature[] = [];
  for (const annotation of annotations) {
    const geometry = areaOf(annotation);
    const cls = classes.find((c) => c.id === annotation.classId);
    if (!geometry || !cls) continue;
    features.push({
      // Stable across exports of the same study: the image hash and the annotation's own key.
      id: `${image.sha256}/${annotation.id}`,
      name: annotation.name,
      classification: { name: cls.name, color: rgbOf(cls.colour) },
      geometry,
      measurements: shapeMeasurements(geometry, image.umPerPx),
      isLocked: image.locked,
    });
  }
  return toQuPathFeatureCollection(features);
}
