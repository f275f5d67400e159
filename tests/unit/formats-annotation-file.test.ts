import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  detectAnnotationFormat,
  MAX_ANNOTATION_FILE_BYTES,
  readAnnotationFile,
} from '../../shared/formats/annotation-file';
import { multiPolygonArea } from '../../shared/geometry/measure';
import { qupathRectangles, writeImageJRoi, writeRoiSet } from '../helpers/imagej-roi-writer';
import { sharedDataDir as dataDir } from '../helpers/paths';

const haveRoi = existsSync(path.join(dataDir, 'roi'));
const haveGeoJson = existsSync(path.join(dataDir, 'geojson'));

const areaOf = (shape: { geometry: { polygons: Parameters<typeof multiPolygonArea>[0] } }) =>
  multiPolygonArea(shape.geometry.polygons);

describe('detecting the format from the bytes', () => {
  it('tells GeoJSON (with a BOM or leading blanks), .roi and zip apart, whatever the name', () => {
    expect(detectAnnotationFormat(strToU8('{"type":"FeatureCollection","features":[]}'))).toBe('geojson');
    expect(detectAnnotationFormat(new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, 0x20, 0x7b]))).toBe('geojson');
    expect(detectAnnotationFormat(writeImageJRoi('rect', [1, 1, 5, 5]))).toBe('imagej-roi');
    expect(detectAnnotationFormat(writeRoiSet({ 'a.roi': writeImageJRoi('rect', [1, 1, 5, 5]) }))).toBe(
      'imagej-roiset',
    );
    expect(detectAnnotationFormat(strToU8('x,y\n1,2\n'))).toBeNull();
    expect(detectAnnotationFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
  });

  it('refuses other files, naming the three formats', () => {
    const result = readAnnotationFile(strToU8('x,y\n1,2\n'), 'points.csv');
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(!result.ok && result.error.message).toMatch(/points\.csv .*GeoJSON.*\.roi.*RoiSet/);
  });

  it('refuses a file over the size limit without reading it', () => {
    const big = new Uint8Array(MAX_ANNOTATION_FILE_BYTES + 1);
    expect(readAnnotationFile(big, 'huge.geojson')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('reading each format', () => {
  it('GeoJSON: classification, colour and name kept; detections and points skipped with the reason', () => {
    const text = qupathRectangles([
      { box: [0, 0, 10, 10], className: 'Dermis', color: [255, 140, 160], name: 'first' },
      { box: [0, 0, 4, 4], objectType: 'detection' },
    ]);
    const withPoint = JSON.parse(text);
    withPoint.features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [1, 1] },
      properties: {},
    });
    const result = readAnnotationFile(strToU8(JSON.stringify(withPoint)), 'a.geojson');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.format).toBe('geojson');
    expect(result.value.shapes).toHaveLength(1);
    expect(result.value.shapes[0]).toMatchObject({
      source: 'feature 1',
      name: 'first',
      className: 'Dermis',
      colour: [255, 140, 160],
      kind: 'polygon',
    });
    expect(areaOf(result.value.shapes[0])).toBe(100);
    expect(result.value.skipped.map((s) => [s.source, s.reason])).toEqual([
      ['feature 3', 'a Point geometry encloses no area'],
      ['feature 2', 'a QuPath detection object, not an annotation'],
    ]);
  });

  it('GeoJSON that is not JSON fails with the parser’s words', () => {
    expect(readAnnotationFile(strToU8('{ not json'), 'bad.geojson')).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_FORMAT' },
    });
  });

  it('one .roi: a polygon becomes one unclassified shape with its name and stroke colour', () => {
    const roi = writeImageJRoi('polygon', [10, 10, 30, 10, 30, 20, 10, 20], {
      name: 'dermis',
      strokeRgb: [0, 255, 0],
    });
    const result = readAnnotationFile(roi, 'dermis.roi');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ format: 'imagej-roi', skipped: [] });
    expect(result.value.shapes[0]).toMatchObject({ name: 'dermis', className: null, colour: [0, 255, 0] });
    expect(areaOf(result.value.shapes[0])).toBe(200);
  });

  it('one point .roi is skipped as having no area; a damaged one fails', () => {
    const point = readAnnotationFile(writeImageJRoi('point', [5, 5]), 'p.roi');
    expect(point.ok && point.value.skipped[0]?.reason).toMatch(/point selection encloses no area/);
    const cut = writeImageJRoi('polygon', [0, 0, 9, 0, 9, 9]).subarray(0, 66);
    expect(readAnnotationFile(cut, 'cut.roi')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('RoiSet.zip: every .roi entry in order, lines and other files skipped, macOS clutter ignored', () => {
    const zip = writeRoiSet({
      '0002-rect.roi': writeImageJRoi('rect', [0, 0, 10, 5]),
      '0001-poly.roi': writeImageJRoi('polygon', [0, 0, 4, 0, 4, 4, 0, 4]),
      '0003-line.roi': writeImageJRoi('polyline', [0, 0, 5, 5, 9, 2]),
      'notes.txt': strToU8('hello'),
      '__MACOSX/._0001-poly.roi': strToU8('junk'),
    });
    const result = readAnnotationFile(zip, 'RoiSet.zip');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.format).toBe('imagej-roiset');
    expect(result.value.shapes.map((s) => [s.source, areaOf(s)])).toEqual([
      ['0001-poly.roi', 16],
      ['0002-rect.roi', 50],
    ]);
    expect(result.value.skipped.map((s) => s.source)).toEqual(['0003-line.roi', 'notes.txt']);
  });

  it('a damaged zip fails', () => {
    const zip = zipSync({ 'a.roi': writeImageJRoi('rect', [0, 0, 10, 5]) });
    expect(readAnnotationFile(zip.subarray(0, 30), 'RoiSet.zip')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe.skipIf(!haveRoi)('the real .roi files of read-roi (../shared/data/roi)', () => {
  it('areas import, points and lines are skipped', () => {
    const kinds = ['polygon', 'freehand', 'rectangle', 'oval', 'ellipse', 'composite-oval-in-rect'];
    for (const name of kinds) {
      const result = readAnnotationFile(
        readFileSync(path.join(dataDir, 'roi', `${name}.roi`)),
        `${name}.roi`,
      );
      expect(result.ok && result.value.shapes.length, name).toBe(1);
    }
    for (const name of ['point', 'multipoint', 'polyline']) {
      const result = readAnnotationFile(
        readFileSync(path.join(dataDir, 'roi', `${name}.roi`)),
        `${name}.roi`,
      );
      expect(result.ok && result.value.shapes.length, name).toBe(0);
      expect(result.ok && result.value.skipped[0]?.reason, name).toMatch(/encloses no area/);
    }
  });
});

describe.skipIf(!haveGeoJson)('the GeoJSON files of ../shared/data/geojson', () => {
  it('the synthetic CMU-1 export: four classified shapes', () => {
    const file = 'CMU-1-small-region_skin_annotations_qupath-format_SYNTHETIC.geojson';
    const result = readAnnotationFile(readFileSync(path.join(dataDir, 'geojson', file)), file);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.shapes.map((s) => s.className)).toEqual(['Tissue', 'Epidermis', 'Dermis', 'Dermis']);
  });

  it("QuPath's bare MultiPolygon test resource: one unclassified shape", () => {
    const file = 'qupath-test_polygon_MultiPolygon.geojson';
    const result = readAnnotationFile(readFileSync(path.join(dataDir, 'geojson', file)), file);
    expect(result.ok && result.value.shapes.map((s) => s.className)).toEqual([null]);
  });
});
