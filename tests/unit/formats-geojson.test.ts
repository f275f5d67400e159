import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseQuPathGeoJson } from '../../shared/formats/geojson-import';
import {
  shapeMeasurements,
  toQuPathFeatureCollection,
  uuidFromKey,
} from '../../shared/formats/geojson-export';
import { multiPolygonArea, multiPolygonPerimeter, signedRingArea } from '../../shared/geometry/measure';
import { rectangleToRing } from '../../shared/geometry/shapes';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const geojsonDir = path.resolve(repoRoot, '..', 'shared', 'data', 'geojson');
const haveData = existsSync(geojsonDir);
const read = (name: string) => readFileSync(path.join(geojsonDir, name), 'utf8');

const UM_PER_PX = 0.499;

describe.skipIf(!haveData)('real GeoJSON files (../shared/data/geojson)', () => {
  it('reads the QuPath-layout FeatureCollection of the skin region: classes, colours, ids, MultiPolygon', () => {
    const name = 'CMU-1-small-region_skin_annotations_qupath-format_SYNTHETIC.geojson';
    const result = parseQuPathGeoJson(read(name), name);
    if (!result.ok) throw new Error(result.error.message);
    const { features, skipped } = result.value;
    expect(skipped).toEqual([]);
    expect(features.map((f) => f.classification?.name)).toEqual(['Tissue', 'Epidermis', 'Dermis', 'Dermis']);
    expect(features[1]).toMatchObject({
      id: '1a103f4e-e33d-57b4-996b-87f0ad14df4b',
      objectType: 'annotation',
      classification: { name: 'Epidermis', color: [160, 90, 160] },
      isLocked: false,
    });
    expect(features[0].isLocked).toBe(true);
    expect(features[1].geometry).toHaveLength(3);
    // Our shoelace areas and perimeters reproduce the file's own measurements (at 0.499 um/px) to 0.01 %.
    for (const feature of features) {
      const area = multiPolygonArea(feature.geometry) * UM_PER_PX ** 2;
      const perimeter = multiPolygonPerimeter(feature.geometry) * UM_PER_PX;
      expect(Math.abs(area - feature.measurements['Area µm^2']) / area).toBeLessThan(1e-4);
      expect(Math.abs(perimeter - feature.measurements['Perimeter µm']) / perimeter).toBeLessThan(1e-4);
    }
  });

  it("reads QuPath's own test MultiPolygon, a bare geometry, with its holes", () => {
    const name = 'qupath-test_polygon_MultiPolygon.geojson';
    const result = parseQuPathGeoJson(read(name), name);
    if (!result.ok) throw new Error(result.error.message);
    const [feature] = result.value.features;
    expect(result.value.features).toHaveLength(1);
    expect(feature).toMatchObject({ id: null, name: null, objectType: null, classification: null });
    expect(feature.geometry.map((p) => p.holes.length)).toEqual([26, 0, 0]);
    // The raw file's rings repeat their first point; ours do not.
    const raw = JSON.parse(read(name)) as { coordinates: number[][][][] };
    expect(feature.geometry[0].outer.length / 2).toBe(raw.coordinates[0][0].length - 1);
  });

  it('survives an export and re-import unchanged', () => {
    const name = 'CMU-1-small-region_skin_annotations_qupath-format_SYNTHETIC.geojson';
    const first = parseQuPathGeoJson(read(name), name);
    if (!first.ok) throw new Error(first.error.message);
    const exported = toQuPathFeatureCollection(
      first.value.features.map((f) => ({
        id: f.id as string,
        name: f.name,
        classification: {
          name: f.classification?.name ?? 'Unclassified',
          color: f.classification?.color ?? [0, 0, 0],
        },
        geometry: f.geometry,
        measurements: shapeMeasurements(f.geometry, UM_PER_PX),
        isLocked: f.isLocked,
      })),
    );
    const again = parseQuPathGeoJson(JSON.stringify(exported), 'exported.geojson');
    if (!again.ok) throw new Error(again.error.message);
    again.value.features.forEach((f, i) => {
      const original = first.value.features[i];
      expect(f.id).toBe(original.id);
      expect(f.classification).toEqual(original.classification);
      expect(multiPolygonArea(f.geometry)).toBeCloseTo(multiPolygonArea(original.geometry), 6);
      expect(f.measurements['Area µm^2']).toBeCloseTo(
        multiPolygonArea(original.geometry) * UM_PER_PX ** 2,
        6,
      );
    });
  });
});

describe('QuPath GeoJSON export layout', () => {
  const square = (x: number, y: number, size: number) => rectangleToRing(x, y, x + size, y + size);
  const collection = toQuPathFeatureCollection([
    {
      id: '42',
      name: 'Dermis',
      classification: { name: 'Region of interest', color: [47, 128, 237] },
      geometry: [{ outer: square(0, 0, 100), holes: [square(10, 10, 20)] }],
      measurements: { 'Area px^2': 9600, 'Stained fraction': Number.NaN, 'Mean OD': null },
    },
    {
      id: 'F1E2D3C4-B5A6-4789-8123-456789ABCDEF',
      classification: { name: 'Exclude', color: [130, 130, 130] },
      geometry: [
        { outer: square(200, 0, 10), holes: [] },
        { outer: square(300, 0, 10), holes: [] },
      ],
    },
    { id: 'empty', classification: { name: 'Exclude', color: [0, 0, 0] }, geometry: [] },
  ]);

  it('writes features as QuPath does: UUID ids, objectType, classification {name, color}, measurements', () => {
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(2);
    const [first, second] = collection.features;
    expect(first.id).toBe(uuidFromKey('42'));
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.id).toBe('f1e2d3c4-b5a6-4789-8123-456789abcdef');
    expect(first.properties).toEqual({
      objectType: 'annotation',
      name: 'Dermis',
      classification: { name: 'Region of interest', color: [47, 128, 237] },
      isLocked: false,
      measurements: { 'Area px^2': 9600 },
    });
    expect(first.geometry.type).toBe('Polygon');
    expect(second.geometry.type).toBe('MultiPolygon');
    expect(JSON.stringify(collection)).not.toMatch(/NaN|null/);
  });

  it('closes rings and orients them as RFC 7946 asks (outer counter-clockwise, holes clockwise, y up)', () => {
    const polygon = collection.features[0].geometry.coordinates as number[][][];
    for (const ring of polygon) expect(ring[0]).toEqual(ring[ring.length - 1]);
    const flat = (ring: number[][]) => ring.slice(0, -1).flat();
    expect(signedRingArea(flat(polygon[0]))).toBeGreaterThan(0);
    expect(signedRingArea(flat(polygon[1]))).toBeLessThan(0);
  });

  it('gives the same UUID for the same key every time, and different ones for different keys', () => {
    expect(uuidFromKey('abc/1')).toBe(uuidFromKey('abc/1'));
    expect(uuidFromKey('abc/1')).not.toBe(uuidFromKey('abc/2'));
  });

  it('names QuPath measurements by calibration', () => {
    const parts = [{ outer: square(0, 0, 10), holes: [] }];
    expect(shapeMeasurements(parts, null)).toEqual({ 'Area px^2': 100, 'Perimeter px': 40 });
    expect(shapeMeasurements(parts, 0.5)).toEqual({ 'Area µm^2': 25, 'Perimeter µm': 20 });
  });
});

describe('GeoJSON import: other layouts and bad input', () => {
  it('reads a single Feature and QuPath 0.2/0.3 fields (colorRGB, object_type, measurement lists)', () => {
    const legacy = {
      type: 'Feature',
      id: 'PathAnnotationObject',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
            [0, 0],
          ],
        ],
      },
      properties: {
        classification: { name: 'Tumor', colorRGB: -3670016 },
        measurements: [
          { name: 'Area', value: 100 },
          { name: 'Broken', value: 'n/a' },
        ],
      },
    };
    const result = parseQuPathGeoJson(JSON.stringify(legacy), 'old.geojson');
    expect(result).toMatchObject({
      ok: true,
      value: {
        features: [
          {
            id: null,
            objectType: 'annotation',
            classification: { name: 'Tumor', color: [200, 0, 0] },
            measurements: { Area: 100 },
          },
        ],
      },
    });
  });

  it('skips points with a reason, keeps the polygons and splits a self-crossing one', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: { name: 'a cell' } },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [5, 0],
                [5, 5],
                [0, 0],
              ],
            ],
          },
          properties: {},
        },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [5, 5],
                [5, 0],
                [0, 5],
                [0, 0],
              ],
            ],
          },
          properties: { name: 'bow tie' },
        },
      ],
    });
    const result = parseQuPathGeoJson(text, 'mixed.geojson');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.features).toHaveLength(2);
    expect(result.value.features[1]).toMatchObject({ name: 'bow tie' });
    expect(result.value.features[1].geometry.map((p) => multiPolygonArea([p]))).toEqual([6.25, 6.25]);
    expect(result.value.skipped).toEqual([
      { index: 0, name: 'a cell', reason: 'a Point geometry encloses no area' },
    ]);
  });

  it('refuses what is not GeoJSON, naming the file and what to do', () => {
    const notJson = parseQuPathGeoJson('{"type": "FeatureCollection", ', 'rois.geojson');
    expect(notJson).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(!notJson.ok && notJson.error.message).toMatch(
      /^rois\.geojson is not valid JSON .* Export the annotations from QuPath as GeoJSON\.$/,
    );
    const otherJson = parseQuPathGeoJson('{"cells": []}', 'cells.json');
    expect(!otherJson.ok && otherJson.error.message).toContain('cells.json is JSON but not GeoJSON');
  });

  it('points at the malformed part of a GeoJSON file', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [5, 'x'],
                [5, 5],
                [0, 0],
              ],
            ],
          },
          properties: {},
        },
      ],
    });
    const result = parseQuPathGeoJson(text, 'bad.geojson');
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toContain(
      'bad.geojson has a malformed part at FeatureCollection.features[0].geometry',
    );
  });

  it('skips a polygon whose hole lies outside it, with the reason', () => {
    const text = JSON.stringify({
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [10, 0],
            [10, 10],
            [0, 10],
            [0, 0],
          ],
          [
            [20, 20],
            [30, 20],
            [30, 30],
            [20, 20],
          ],
        ],
      },
      properties: { name: 'odd' },
    });
    const result = parseQuPathGeoJson(text, 'odd.geojson');
    expect(!result.ok && result.error.message).toContain('feature 1: Hole 1 lies outside the outline');
  });

  it('fails when nothing in the file has an area, with the first reason', () => {
    const text = JSON.stringify({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
    const result = parseQuPathGeoJson(text, 'line.geojson');
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toContain(
      'line.geojson contains no polygon to import (first problem: feature 1: a LineString geometry encloses no area)',
    );
  });
});
