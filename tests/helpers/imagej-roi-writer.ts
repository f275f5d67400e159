/**
 * A small writer of ImageJ `.roi` files (RoiEncoder's layout, big-endian, integer coordinates), for
 * tests that need ROIs of known shapes without ImageJ: polygon (0), rectangle (1), oval (2), polyline
 * (5), freehand (7) and point (10).
 */
import { zipSync } from 'fflate';

const TYPE_CODE = { polygon: 0, rect: 1, oval: 2, polyline: 5, freehand: 7, point: 10 } as const;
export type WritableRoiType = keyof typeof TYPE_CODE;

/** One ROI; `points` (x, y pairs) for the outline types, the bounds alone for rectangle and oval. */
export function writeImageJRoi(
  type: WritableRoiType,
  points: readonly number[],
  options: { name?: string; strokeRgb?: [number, number, number] } = {},
): Uint8Array {
  const xs = points.filter((_, i) => i % 2 === 0);
  const ys = points.filter((_, i) => i % 2 === 1);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  const boxed = type === 'rect' || type === 'oval';
  const n = boxed ? 0 : xs.length;
  const name = options.name ?? '';
  const header2 = 64 + 4 * n;
  const nameOffset = header2 + 64;
  const bytes = new Uint8Array(nameOffset + 2 * name.length);
  const view = new DataView(bytes.buffer);
  bytes.set([73, 111, 117, 116]); // "Iout"
  view.setInt16(4, 228);
  view.setUint8(6, TYPE_CODE[type]);
  view.setInt16(8, top);
  view.setInt16(10, left);
  view.setInt16(12, Math.max(...ys));
  view.setInt16(14, Math.max(...xs));
  view.setUint16(16, n);
  if (options.strokeRgb) {
    const [r, g, b] = options.strokeRgb;
    view.setInt32(40, ((0xff << 24) | (r << 16) | (g << 8) | b) >> 0);
  }
  view.setInt32(60, header2);
  xs.slice(0, n).forEach((x, i) => view.setInt16(64 + 2 * i, x - left));
  ys.slice(0, n).forEach((y, i) => view.setInt16(64 + 2 * n + 2 * i, y - top));
  view.setInt32(header2 + 16, name.length ? nameOffset : 0);
  view.setInt32(header2 + 20, name.length);
  [...name].forEach((c, i) => view.setUint16(nameOffset + 2 * i, c.charCodeAt(0)));
  return bytes;
}

/** A RoiSet.zip as ImageJ's ROI Manager saves it: one `NAME.roi` entry per ROI. */
export function writeRoiSet(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries);
}

/** A QuPath-style GeoJSON FeatureCollection of rectangles, each with a classification. */
export function qupathRectangles(
  rects: {
    box: [number, number, number, number];
    className?: string;
    color?: [number, number, number];
    name?: string;
    objectType?: string;
  }[],
): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: rects.map(({ box: [x0, y0, x1, y1], className, color, name, objectType }) => ({
      type: 'Feature',
      id: crypto.randomUUID(),
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ],
      },
      properties: {
        objectType: objectType ?? 'annotation',
        ...(name ? { name } : {}),
        ...(className ? { classification: { name: className, color: color ?? [200, 0, 0] } } : {}),
      },
    })),
  });
}
