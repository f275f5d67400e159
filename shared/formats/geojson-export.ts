/**
 * QuPath GeoJSON export (the layout QuPath 0.4+ writes and reads back): a FeatureCollection whose
 * features carry a UUID `id`, `properties.objectType: "annotation"`, `properties.classification
 * { name, color: [r, g, b] }` and `properties.measurements` as a name -> number map. Coordinates are
 * full-resolution image pixels; rings are closed (first point repeated) as GeoJSON requires, outer rings
 * counter-clockwise and holes clockwise in GeoJSON's y-up sense (RFC 7946 section 3.1.6).
 */
import { multiPolygonArea, multiPolygonPerimeter, reverseRing, signedRingArea } from '../geometry/measure';
import type { MultiPolygon, Ring } from '../geometry/types';
import type { Rgb } from './geojson-import';

export interface ExportFeature {
  /** A stable id; used as is when it is a UUID, otherwise turned into a deterministic UUID. */
  id: string;
  name?: string | null;
  classification: { name: string; color: Rgb };
  geometry: MultiPolygon;
  measurements?: Record<string, number | null>;
  isLocked?: boolean;
}

type Position = [number, number];

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface GeoJsonMultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

export interface QuPathFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJsonPolygon | GeoJsonMultiPolygon;
  properties: {
    objectType: 'annotation';
    name?: string;
    classification: { name: string; color: Rgb };
    isLocked: boolean;
    measurements: Record<string, number>;
  };
}

export interface QuPathFeatureCollection {
  type: 'FeatureCollection';
  features: QuPathFeature[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** FNV-1a over the key with a seed, so four seeds give 128 well-mixed bits. */
function fnv1a(key: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A deterministic UUID (version 8, "custom") for a key such as "<image sha256>/<annotation id>": the same
 * study exported twice gives the same ids, so QuPath and diff tools see the same objects.
 */
export function uuidFromKey(key: string): string {
  const hex = [1, 2, 3, 4]
    .map((seed) =>
      fnv1a(key, seed * 0x9e3779b9)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const exportId = (id: string): string => (UUID.test(id) ? id.toLowerCase() : uuidFromKey(id));

/** Closed ring with the orientation GeoJSON asks for: counter-clockwise (y up) outer, clockwise holes. */
function closedRing(ring: Ring, outer: boolean): Position[] {
  const wantPositive = outer;
  const oriented = signedRingArea(ring) > 0 === wantPositive ? ring : reverseRing(ring);
  const positions: Position[] = [];
  for (let i = 0; i + 1 < oriented.length; i += 2) positions.push([oriented[i], oriented[i + 1]]);
  if (positions.length > 0) positions.push([positions[0][0], positions[0][1]]);
  return positions;
}

export function toGeoJsonGeometry(parts: MultiPolygon): GeoJsonPolygon | GeoJsonMultiPolygon {
  const polygons = parts.map((part) => [
    closedRing(part.outer, true),
    ...part.holes.map((hole) => closedRing(hole, false)),
  ]);
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] }
    : { type: 'MultiPolygon', coordinates: polygons };
}

/**
 * QuPath's own shape measurements: "Area px^2" and "Perimeter px" without calibration, "Area µm^2" and
 * "Perimeter µm" with it (the names QuPath uses, so its measurement tables line up).
 */
export function shapeMeasurements(parts: MultiPolygon, umPerPx: number | null): Record<string, number> {
  const area = multiPolygonArea(parts);
  const perimeter = multiPolygonPerimeter(parts);
  if (umPerPx !== null && umPerPx > 0) {
    return { 'Area µm^2': area * umPerPx * umPerPx, 'Perimeter µm': perimeter * umPerPx };
  }
  return { 'Area px^2': area, 'Perimeter px': perimeter };
}

/** JSON cannot hold NaN or Infinity, and QuPath expects numbers: undefined measures are left out. */
function finiteOnly(measurements: Record<string, number | null> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(measurements ?? {})) {
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
  }
  return out;
}

export function toQuPathFeature(feature: ExportFeature): QuPathFeature {
  const name = feature.name?.trim();
  return {
    type: 'Feature',
    id: exportId(feature.id),
    geometry: toGeoJsonGeometry(feature.geometry),
    properties: {
      objectType: 'annotation',
      ...(name ? { name } : {}),
      classification: { name: feature.classification.name, color: [...feature.classification.color] },
      isLocked: feature.isLocked ?? false,
      measurements: finiteOnly(feature.measurements),
    },
  };
}

/** The FeatureCollection for one image; serialise it with JSON.stringify. Empty-geometry features are left out. */
export const toQuPathFeatureCollection = (features: readonly ExportFeature[]): QuPathFeatureCollection => ({
  type: 'FeatureCollection',
  features: features.filter((f) => f.geometry.length > 0).map(toQuPathFeature),
});
