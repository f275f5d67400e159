/**
 * QuPath GeoJSON import: a FeatureCollection, a single Feature, or a bare geometry (what QuPath's
 * "Export objects as GeoJSON" writes, what its tests read, and what other tools produce). Polygon and
 * MultiPolygon (holes included) become annotations; an outline that crosses itself is split into simple
 * parts (geometry/repair.ts); points and lines are not areas and are reported as skipped. Layouts from QuPath 0.2/0.3 (`colorRGB`, `object_type`, measurements as a list) are read as
 * well as 0.4+ (`color: [r, g, b]`, `objectType`, measurements as a map).
 *
 * Coordinates are taken as full-resolution image pixels, as QuPath writes them.
 */
import { z } from 'zod';
import { fail, ok, type Result } from '../result';
import { normaliseRing } from '../geometry/measure';
import { validParts } from '../geometry/repair';
import type { MultiPolygon, Polygon } from '../geometry/types';

export type Rgb = [number, number, number];

export interface ImportedFeature {
  /** Position of the feature in the file (0-based), or 0 for a bare geometry. */
  index: number;
  /** The feature's `id` when it has one (QuPath 0.4+: a UUID). */
  id: string | null;
  name: string | null;
  /** QuPath's object type: 'annotation', 'detection', 'cell', 'tile'... ; null when not given. */
  objectType: string | null;
  classification: { name: string; color: Rgb | null } | null;
  geometry: MultiPolygon;
  measurements: Record<string, number>;
  isLocked: boolean;
}

export interface SkippedFeature {
  /** Position of the feature in the file (0-based), or 0 for a bare geometry. */
  index: number;
  name: string | null;
  reason: string;
}

export interface GeoJsonImport {
  features: ImportedFeature[];
  skipped: SkippedFeature[];
}

const Position = z
  .array(z.number().finite('coordinates must be finite numbers'))
  .min(2, 'a position needs x and y');
const LinearRing = z.array(Position).min(3, 'a ring needs at least 3 positions');
const PolygonCoordinates = z.array(LinearRing).min(1, 'a polygon needs an outer ring');

type GeometryInput =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString'; coordinates: unknown }
  | { type: 'GeometryCollection'; geometries: GeometryInput[] };

const Geometry: z.ZodType<GeometryInput> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: PolygonCoordinates }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(PolygonCoordinates) }),
    z.object({
      type: z.enum(['Point', 'MultiPoint', 'LineString', 'MultiLineString']),
      coordinates: z.unknown(),
    }),
    z.object({ type: z.literal('GeometryCollection'), geometries: z.array(Geometry) }),
  ]),
);

const Feature = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).nullish(),
  geometry: Geometry.nullable(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});
type FeatureInput = z.infer<typeof Feature>;

const FeatureCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(Feature) });

const GEOMETRY_TYPES = new Set([
  'Polygon',
  'MultiPolygon',
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'GeometryCollection',
]);

const toRing = (positions: number[][]): number[] => normaliseRing(positions.flatMap((p) => [p[0], p[1]]));
const toPolygon = (rings: number[][][]): Polygon => ({
  outer: toRing(rings[0]),
  holes: rings.slice(1).map(toRing),
});

/** The area parts of a geometry; kinds that enclose no area are listed so the caller can report them. */
function areaParts(geometry: GeometryInput, nonAreaKinds: Set<string>): Polygon[] {
  switch (geometry.type) {
    case 'Polygon':
      return [toPolygon(geometry.coordinates)];
    case 'MultiPolygon':
      return geometry.coordinates.map(toPolygon);
    case 'GeometryCollection':
      return geometry.geometries.flatMap((g) => areaParts(g, nonAreaKinds));
    default:
      nonAreaKinds.add(geometry.type);
      return [];
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const byte = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v))) : null;

function readColor(classification: Record<string, unknown>): Rgb | null {
  const { color, colorRGB } = classification;
  if (Array.isArray(color) && color.length >= 3) {
    const rgb = color.slice(0, 3).map(byte);
    if (rgb.every((c) => c !== null)) return rgb as Rgb;
  }
  // QuPath before 0.4 packed the colour as a signed 32-bit ARGB integer.
  if (typeof colorRGB === 'number' && Number.isInteger(colorRGB)) {
    return [(colorRGB >> 16) & 255, (colorRGB >> 8) & 255, colorRGB & 255];
  }
  return null;
}

function readClassification(value: unknown): ImportedFeature['classification'] {
  if (typeof value === 'string' && value.trim()) return { name: value.trim(), color: null };
  if (!isRecord(value)) return null;
  const name = typeof value.name === 'string' ? value.name.trim() : '';
  if (!name) return null;
  return { name, color: readColor(value) };
}

/** Measurements as a map (QuPath 0.4+) or as a list of {name, value} (older); non-finite values dropped. */
function readMeasurements(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (name: unknown, v: unknown) => {
    if (typeof name === 'string' && typeof v === 'number' && Number.isFinite(v)) out[name] = v;
  };
  if (Array.isArray(value)) value.forEach((m) => isRecord(m) && put(m.name, m.value));
  else if (isRecord(value)) Object.entries(value).forEach(([k, v]) => put(k, v));
  return out;
}

/** QuPath 0.2/0.3 put the Java class name in `id` (PathAnnotationObject...) and 'object_type' in properties. */
function readObjectType(feature: FeatureInput, props: Record<string, unknown>): string | null {
  const declared = props.objectType ?? props.object_type;
  if (typeof declared === 'string' && declared) return declared;
  const legacy = typeof feature.id === 'string' ? /^Path(\w+)Object$/.exec(feature.id) : null;
  return legacy ? legacy[1].toLowerCase() : null;
}

function readFeature(
  feature: FeatureInput,
  index: number,
  skipped: SkippedFeature[],
): ImportedFeature | null {
  const props = feature.properties ?? {};
  const name = typeof props.name === 'string' && props.name.trim() ? props.name.trim() : null;
  if (!feature.geometry) {
    skipped.push({ index, name, reason: 'it has no geometry' });
    return null;
  }
  const nonAreaKinds = new Set<string>();
  const parts = areaParts(feature.geometry, nonAreaKinds);
  if (parts.length === 0) {
    skipped.push({
      index,
      name,
      reason: `a ${[...nonAreaKinds].join('/') || 'empty'} geometry encloses no area`,
    });
    return null;
  }
  const simple: Polygon[] = [];
  for (const part of parts) {
    const valid = validParts(part);
    if (!valid.ok) {
      skipped.push({ index, name, reason: valid.message });
      return null;
    }
    simple.push(...valid.parts);
  }
  const legacyId = typeof feature.id === 'string' && /^Path\w+Object$/.test(feature.id);
  return {
    index,
    id: feature.id == null || legacyId ? null : String(feature.id),
    name,
    objectType: readObjectType(feature, props),
    classification: readClassification(props.classification),
    geometry: simple,
    measurements: readMeasurements(props.measurements),
    isLocked: props.isLocked === true,
  };
}

function describeIssue(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  const where = issue.path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    prefix,
  );
  return `${where}: ${issue.message}`;
}

/**
 * Parses GeoJSON text (or an already parsed value). `fileName` only names the file in messages.
 * Fails with UNSUPPORTED_FORMAT when the content is not GeoJSON at all, INVALID_INPUT when it is GeoJSON
 * with a malformed part (naming where), and when no feature has an area to import.
 */
export function parseQuPathGeoJson(
  input: string | unknown,
  fileName = 'the GeoJSON file',
): Result<GeoJsonImport> {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return fail(
        'UNSUPPORTED_FORMAT',
        `${fileName} is not valid JSON (${detail}). Export the annotations from QuPath as GeoJSON.`,
        { fileName },
      );
    }
  }
  const type = isRecord(value) ? value.type : undefined;
  let features: { feature: FeatureInput; index: number }[];
  if (type === 'FeatureCollection') {
    const parsed = FeatureCollection.safeParse(value);
    if (!parsed.success)
      return fail(
        'INVALID_INPUT',
        `${fileName} has a malformed part at ${describeIssue(parsed.error, 'FeatureCollection')}.`,
        { fileName },
      );
    features = parsed.data.features.map((feature, index) => ({ feature, index }));
  } else if (type === 'Feature') {
    const parsed = Feature.safeParse(value);
    if (!parsed.success)
      return fail(
        'INVALID_INPUT',
        `${fileName} has a malformed part at ${describeIssue(parsed.error, 'Feature')}.`,
        { fileName },
      );
    features = [{ feature: parsed.data, index: 0 }];
  } else if (typeof type === 'string' && GEOMETRY_TYPES.has(type)) {
    const parsed = Geometry.safeParse(value);
    if (!parsed.success)
      return fail(
        'INVALID_INPUT',
        `${fileName} has a malformed part at ${describeIssue(parsed.error, type)}.`,
        { fileName },
      );
    features = [{ feature: { type: 'Feature', geometry: parsed.data, properties: null }, index: 0 }];
  } else {
    return fail(
      'UNSUPPORTED_FORMAT',
      `${fileName} is JSON but not GeoJSON (expected "type": "FeatureCollection", "Feature" or a geometry such as "Polygon").`,
      { fileName },
    );
  }
  const skipped: SkippedFeature[] = [];
  const imported = features.flatMap(({ feature, index }) => readFeature(feature, index, skipped) ?? []);
  if (imported.length === 0) {
    const why =
      skipped.length > 0 ? ` (first problem: feature ${skipped[0].index + 1}: ${skipped[0].reason})` : '';
    return fail('INVALID_INPUT', `${fileName} contains no polygon to import${why}.`, { fileName });
  }
  return ok({ features: imported, skipped });
}
