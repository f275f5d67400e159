import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseImageJRoi, type ImportedRoi } from '../../shared/formats/imagej-roi';
import { multiPolygonArea, normaliseRing, pointsBBox, ringArea } from '../../shared/geometry/measure';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const roiDir = path.resolve(repoRoot, '..', 'shared', 'data', 'roi');
const haveData = existsSync(roiDir);

/** The .roi file parsed by us, and what read-roi's tests expect from it (X.expected.json). */
function load(name: string): { roi: ImportedRoi; expected: Record<string, unknown> } {
  const parsed = parseImageJRoi(readFileSync(path.join(roiDir, `${name}.roi`)), `${name}.roi`);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const expected = JSON.parse(readFileSync(path.join(roiDir, `${name}.expected.json`), 'utf8'))[name];
  return { roi: parsed.value, expected };
}

const zipXY = (x: number[], y: number[]) => x.flatMap((v, i) => [v, y[i]]);
const outerOf = (roi: ImportedRoi) =>
  roi.geometry.type === 'polygons' ? roi.geometry.polygons[0].outer : [];

describe.skipIf(!haveData)('ImageJ .roi files from read-roi (../shared/data/roi)', () => {
  it('polygon: integer vertices', () => {
    const { roi, expected } = load('polygon');
    expect(roi).toMatchObject({ roiType: 'polygon', kind: 'polygon', name: 'polygon' });
    expect(outerOf(roi)).toEqual(zipXY(expected.x as number[], expected.y as number[]));
  });

  it('freehand: the traced vertices, with the spike where the stroke doubles back at (96, 26) dropped', () => {
    const { roi, expected } = load('freehand');
    expect(roi).toMatchObject({ roiType: 'freehand', kind: 'freehand', name: 'freehand' });
    const traced = normaliseRing(zipXY(expected.x as number[], expected.y as number[]));
    const ours = outerOf(roi);
    expect(traced.length / 2).toBe(230);
    expect(ours.length / 2).toBe(229);
    const tracedPoints = new Set(
      Array.from({ length: 230 }, (_, i) => `${traced[2 * i]},${traced[2 * i + 1]}`),
    );
    for (let i = 0; i < ours.length; i += 2) expect(tracedPoints.has(`${ours[i]},${ours[i + 1]}`)).toBe(true);
    expect(ringArea(ours)).toBe(ringArea(traced));
  });

  it('rectangle: header bounds', () => {
    const { roi, expected } = load('rectangle');
    const { left, top, width, height } = expected as Record<string, number>;
    expect(roi).toMatchObject({
      roiType: 'rectangle',
      kind: 'rectangle',
      bounds: { left, top, width, height },
    });
    expect(outerOf(roi)).toEqual([
      left,
      top,
      left + width,
      top,
      left + width,
      top + height,
      left,
      top + height,
    ]);
  });

  it('oval: the ellipse inscribed in the bounds, with its exact area', () => {
    const { roi, expected } = load('oval');
    const { left, top, width, height } = expected as Record<string, number>;
    expect(roi).toMatchObject({ roiType: 'oval', kind: 'ellipse', bounds: { left, top, width, height } });
    expect(ringArea(outerOf(roi))).toBeCloseTo((Math.PI * width * height) / 4, 6);
    const box = pointsBBox(outerOf(roi));
    expect(box?.minX).toBeCloseTo(left, 0);
    expect(box?.maxY).toBeCloseTo(top + height, 0);
  });

  it('ellipse: ImageJ parameters and the sub-pixel outline it stored', () => {
    const { roi, expected } = load('ellipse');
    const e = expected as Record<string, number>;
    expect(roi).toMatchObject({ roiType: 'ellipse', kind: 'ellipse' });
    expect(roi.ellipse).toEqual({ x1: e.ex1, y1: e.ey1, x2: e.ex2, y2: e.ey2, aspectRatio: e.aspect_ratio });
    // The outline's area is that of the ellipse the parameters describe (72 vertices: within 1 %).
    const major = Math.hypot(e.ex2 - e.ex1, e.ey2 - e.ey1) / 2;
    const ellipseArea = Math.PI * major * major * e.aspect_ratio;
    expect(Math.abs(ringArea(outerOf(roi)) - ellipseArea) / ellipseArea).toBeLessThan(0.01);
  });

  it('multipoint and point: sub-pixel coordinates, exactly', () => {
    const multi = load('multipoint');
    expect(multi.roi).toMatchObject({ roiType: 'point', kind: 'point', name: 'multipoint' });
    expect(multi.roi.geometry).toEqual({
      type: 'points',
      points: zipXY(multi.expected.x as number[], multi.expected.y as number[]),
    });
    const single = load('point');
    expect(single.roi.geometry).toEqual({ type: 'points', points: [68, 77.25] });
    expect(single.roi.position).toEqual(single.expected.position);
  });

  it('polyline: an open line, not an area', () => {
    const { roi, expected } = load('polyline');
    expect(roi).toMatchObject({ roiType: 'polyline', kind: 'polyline' });
    expect(roi.geometry).toEqual({
      type: 'line',
      points: zipXY(expected.x as number[], expected.y as number[]),
    });
  });

  for (const name of ['composite-brush-donut', 'composite-oval-in-rect']) {
    it(`${name}: composite paths, the inner one a hole (even-odd)`, () => {
      const { roi, expected } = load(name);
      expect(roi).toMatchObject({ roiType: 'composite', kind: 'polygon' });
      if (roi.geometry.type !== 'polygons') throw new Error('expected polygons');
      const paths = (expected.paths as number[][][]).map((p) => p.flat());
      const rings = roi.geometry.polygons.flatMap((p) => [p.outer, ...p.holes]);
      expect(rings.map((r) => [...r].sort()).sort()).toEqual(paths.map((r) => [...r].sort()).sort());
      expect(roi.geometry.polygons).toHaveLength(1);
      expect(roi.geometry.polygons[0].holes).toHaveLength(1);
      const [outerArea, holeArea] = paths.map(ringArea).sort((a, b) => b - a);
      expect(multiPolygonArea(roi.geometry.polygons)).toBeCloseTo(outerArea - holeArea, 9);
    });
  }
});

describe('bad .roi input', () => {
  it('refuses a file that is not an ImageJ ROI, naming it', () => {
    const result = parseImageJRoi(new TextEncoder().encode('PK\u0003\u0004 this is a zip'), 'RoiSet.zip');
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(!result.ok && result.error.message).toContain('RoiSet.zip is not an ImageJ ROI');
  });

  it('refuses a truncated polygon and an unknown type', () => {
    const header = new Uint8Array(64);
    header.set([73, 111, 117, 116]); // "Iout"
    const view = new DataView(header.buffer);
    view.setInt16(4, 227);
    view.setUint16(16, 40); // 40 points promised, none present
    const truncated = parseImageJRoi(header, 'cut.roi');
    expect(truncated).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!truncated.ok && truncated.error.message).toContain('cut.roi is cut short');
    view.setUint8(6, 42);
    expect(parseImageJRoi(header, 'odd.roi')).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED_FORMAT' },
    });
  });

  it('splits a self-crossing freehand outline instead of measuring it wrongly', () => {
    const n = 4;
    const bytes = new Uint8Array(64 + 4 * n);
    bytes.set([73, 111, 117, 116]);
    const view = new DataView(bytes.buffer);
    view.setInt16(4, 227);
    view.setUint8(6, 7); // freehand
    view.setUint16(16, n);
    // A figure eight (bow tie) 10 px wide, relative to left = top = 0.
    [0, 10, 10, 0].forEach((x, i) => view.setInt16(64 + 2 * i, x));
    [0, 10, 0, 10].forEach((y, i) => view.setInt16(64 + 2 * n + 2 * i, y));
    const result = parseImageJRoi(bytes, 'bowtie.roi');
    expect(
      result.ok &&
        result.value.geometry.type === 'polygons' &&
        multiPolygonArea(result.value.geometry.polygons),
    ).toBe(50);
  });
});
