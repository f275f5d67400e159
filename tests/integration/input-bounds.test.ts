import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createInvokeHandler } from '../../main/electron/ipc';
import { createServices, type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { startWebServer } from '../../main/web/server';
import { resolveProtocol, parseProtocol } from '../../shared/analysis/protocol';
import { AnalysisInputError } from '../../shared/analysis/errors';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Result } from '../../shared/result';
import { polygonShape, studyWithImages } from '../helpers/annotation-study';
import { rawRequest } from '../helpers/http-client';
import { useTempDirs } from '../helpers/temp-dir';

// Every input is bounded at the boundary (zod), and the work a valid input can cause is bounded too.
const tempDir = useTempDirs('dq-bounds-');
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

function servicesWithoutStudy(): Services {
  const services = createServices({ studyDir: null });
  open.push(services);
  return services;
}

const stagedFiles = (dir: string) =>
  fs.existsSync(path.join(dir, '.staging')) ? fs.readdirSync(path.join(dir, '.staging')) : [];
const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);
const messageOf = (result: Result<unknown>) => (result.ok ? '' : result.error.message);

/** A square outline of `points` points (a multiple of 4) around (cx, cy). */
function squareRing(points: number, cx = 30, cy = 20, half = 10): number[] {
  const side = points / 4;
  const out: number[] = [];
  for (let i = 0; i < side; i++) out.push(cx - half + (2 * half * i) / side, cy - half);
  for (let i = 0; i < side; i++) out.push(cx + half, cy - half + (2 * half * i) / side);
  for (let i = 0; i < side; i++) out.push(cx + half - (2 * half * i) / side, cy + half);
  for (let i = 0; i < side; i++) out.push(cx - half, cy + half - (2 * half * i) / side);
  return out;
}

/** A star polygon {points/step}: with step near points/2 every edge crosses almost every other. */
function star(points: number, step: number, cx = 32, cy = 24, radius = 20): number[] {
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const angle = (2 * Math.PI * ((i * step) % points)) / points;
    out.push(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle));
  }
  return out;
}

const save = (services: Services, put: unknown[], imageId = 1) =>
  dispatch(services, 'saveAnnotationChanges', { imageId, put, remove: [] });

describe('schema bounds (refused before any service runs)', () => {
  it('an outline of more than 50 000 points is refused; one of exactly 50 000 passes validation', async () => {
    const services = servicesWithoutStudy();
    const tooLong = await save(services, [polygonShape(squareRing(50_004), 1)]);
    expect(codeOf(tooLong)).toBe('INVALID_INPUT');
    expect(messageOf(tooLong)).toMatch(/at most 50000 points/);
    // NO_STUDY: it got past validation to the service.
    expect(codeOf(await save(services, [polygonShape(squareRing(50_000), 1)]))).toBe('NO_STUDY');
  });

  it('more than 1000 rings in one shape, or more than 4 million numbers in one save, is refused', async () => {
    const services = servicesWithoutStudy();
    const triangle = [0, 0, 4, 0, 0, 4];
    const manyRings = {
      ...polygonShape(triangle, 1),
      geometry: {
        type: 'polygons',
        polygons: Array.from({ length: 501 }, () => ({ outer: triangle, holes: [triangle] })),
      },
    };
    const rings = await save(services, [manyRings]);
    expect(messageOf(rings)).toMatch(/at most 1000 outlines and holes/);
    const big = squareRing(50_000);
    const tooMuch = await save(
      services,
      Array.from({ length: 41 }, () => polygonShape(big, 1)),
    );
    expect(codeOf(tooMuch)).toBe('INVALID_INPUT');
    expect(messageOf(tooMuch)).toMatch(/smaller batches/);
  });

  it('masks: at most 2^31 mask pixels and 4 million runs', async () => {
    const services = servicesWithoutStudy();
    const maskShape = (mask: object) => ({
      id: 'm1',
      classId: 3,
      kind: 'mask',
      name: '',
      geometry: { type: 'mask', mask: { scale: 1, left: 0, top: 0, ...mask } },
    });
    const huge = await save(services, [maskShape({ width: 65_536, height: 65_536, counts: [0, 2 ** 32] })]);
    expect(codeOf(huge)).toBe('INVALID_INPUT');
    const runs = Array.from({ length: 4_000_002 }, () => 1);
    const tooManyRuns = await save(services, [maskShape({ width: 4_000_002, height: 1, counts: runs })]);
    expect(codeOf(tooManyRuns)).toBe('INVALID_INPUT');
    expect(messageOf(tooManyRuns)).toMatch(/at most 4000000 runs/);
  });

  it('class lists, analysis regions, stain and channel names, and calibration are bounded', async () => {
    const services = servicesWithoutStudy();
    const ids = Array.from({ length: 1001 }, (_v, i) => i + 1);
    expect(
      codeOf(await dispatch(services, 'copyAnnotations', { fromImageId: 1, toImageId: 2, classIds: ids })),
    ).toBe('INVALID_INPUT');
    const ring = [0, 0, 10, 0, 0, 10];
    const analyze = (region: unknown, protocol?: unknown) =>
      dispatch(services, 'analyzeImage', { imageId: 1, region, ...(protocol ? { protocol } : {}) });
    expect(codeOf(await analyze({ include: [[squareRing(50_004)]], exclude: [] }))).toBe('INVALID_INPUT');
    expect(codeOf(await analyze({ include: [Array.from({ length: 1001 }, () => ring)], exclude: [] }))).toBe(
      'INVALID_INPUT',
    );
    const manyPolygons = Array.from({ length: 600 }, () => [ring]);
    expect(codeOf(await analyze({ include: manyPolygons, exclude: manyPolygons }))).toBe('INVALID_INPUT');
    expect(codeOf(await analyze({ include: [[ring]], exclude: [] }))).toBe('NO_STUDY');
    expect(codeOf(await analyze(null, { stain: 'p'.repeat(65) }))).toBe('INVALID_INPUT');
    expect(codeOf(await analyze(null, { channel: 'c'.repeat(65) }))).toBe('INVALID_INPUT');
    const calibrate = (umPerPx: number) =>
      dispatch(services, 'setCalibration', { imageId: 1, umPerPx, source: 'typed' });
    const tiny = await calibrate(0.005);
    expect(codeOf(tiny)).toBe('INVALID_INPUT');
    expect(messageOf(tiny)).toMatch(/at least 0.01/);
    expect(codeOf(await calibrate(0.01))).toBe('NO_STUDY');
  });

  it('smoothing given in um is capped once converted to px', () => {
    const resolve = (sigma: number, umPerPx: number) => () =>
      resolveProtocol(parseProtocol({ smoothing: { sigma, unit: 'um' } }), {
        umPerPx,
        hasRoi: false,
        white: [255, 255, 255],
      });
    expect(resolve(1, 0.01)().smoothingSigmaPx).toBeCloseTo(100, 9);
    expect(resolve(5, 0.01)).toThrow(AnalysisInputError);
    expect(resolve(5, 0.01)).toThrow(/500 px on this image \(0.01 um\/px\), over the limit of 100 px/);
  });
});

describe('uploaded file names', () => {
  const BAD_NAMES: [string, RegExp][] = [
    ['scan\u202Egpj.exe', /text-direction override/],
    ['scan\u2066.png', /text-direction override/],
    ['line\nbreak.png', /control characters/],
    ['bell\u0007.png', /control characters/],
    ['../../etc/passwd', /not a path/],
    ['folder\\scan.png', /not a path/],
    ['..', /cannot be \. or \.\./],
    ['   ', /empty/],
  ];

  it('HTTP: refused with 400 INVALID_INPUT naming the reason; nothing is staged', async () => {
    const dir = path.join(tempDir(), 'study');
    const services = createServices({ studyDir: dir });
    open.push(services);
    await services.createStudy({ name: 'Names' });
    const staticDir = tempDir();
    const server = await startWebServer({ services, port: 0, staticDir });
    try {
      const auth = { Authorization: `Bearer ${server.token}` };
      for (const [name, reason] of BAD_NAMES) {
        const response = await rawRequest(server.port, {
          method: 'POST',
          path: `/upload?name=${encodeURIComponent(name)}`,
          headers: auth,
          body: 'bytes',
        });
        expect(response.status, JSON.stringify(name)).toBe(400);
        const error = (response.json as { error: { code: string; message: string } }).error;
        expect(error.code).toBe('INVALID_INPUT');
        expect(error.message, JSON.stringify(name)).toMatch(reason);
      }
      expect(stagedFiles(dir)).toEqual([]);
      const good = await rawRequest(server.port, {
        method: 'POST',
        path: `/upload?name=${encodeURIComponent('  Probe 1 – vorher é.png ')}`,
        headers: auth,
        body: 'bytes',
      });
      expect((good.json as { value: { fileName: string } }).value.fileName).toBe('Probe 1 – vorher é.png');
    } finally {
      await server.close();
    }
  });

  it('IPC uploads, importImages and direct service calls refuse them too', async () => {
    const dir = path.join(tempDir(), 'study');
    const services = createServices({ studyDir: dir });
    open.push(services);
    await services.createStudy({ name: 'Names' });
    const handler = createInvokeHandler({ services, chooseNewStudyFolder: async () => null });
    const app = 'app://dermaquant/index.html';
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#884488' } })
      .png()
      .toBuffer();
    const upload = await handler(app, 'uploadBegin', { fileName: 'a\u202Egnp.exe', size: png.length });
    expect(codeOf(upload)).toBe('INVALID_INPUT');
    expect(messageOf(upload)).toMatch(/text-direction override/);
    const staged = { uploadId: 'A'.repeat(24), fileName: 'x/../../y.png' };
    expect(codeOf(await dispatch(services, 'importImages', { timepointId: 1, uploads: [staged] }))).toBe(
      'INVALID_INPUT',
    );
    await expect(services.stageUpload(new Uint8Array(png), 'tab\there.png')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(stagedFiles(dir)).toEqual([]);
  });
});

describe('bounded work for valid input', () => {
  it('decodes a mask box of 2^31 mask pixels without a bitmap of the box', () => {
    const side = 46_340; // side^2 just under 2^31
    const total = side * side;
    const started = performance.now();
    const mask = TiledMask.decode(
      { scale: 1, left: 0, top: 0, width: side, height: side, counts: [total - 1000, 1000] },
      side,
      side,
    );
    const elapsed = performance.now() - started;
    expect(mask.count()).toBe(1000);
    // The 1000 pixels end the last row: 5 tiles of 256 columns, nothing else allocated.
    expect(mask.tileKeys().length).toBe(5);
    // A full bitmap would be 2 GB written and scanned byte by byte (seconds); runs take microseconds.
    expect(elapsed).toBeLessThan(500);
    expect(() =>
      TiledMask.decode(
        { scale: 1, left: 0, top: 0, width: side, height: side, counts: [5, 2 ** 40] },
        side,
        side,
      ),
    ).toThrow(/the runs cover/);
  });

  it('refuses an outline whose repair would stall the server, quickly and with a reason; saves nothing', async () => {
    const { services, images, classes } = await studyWithImages(tempDir(), [{ width: 64, height: 48 }]);
    open.push(services);
    const imageId = images[0]!.id;
    for (const ring of [star(1000, 499), star(50_000, 24_999)]) {
      const started = performance.now();
      const result = await save(services, [polygonShape(ring, classes.roi)], imageId);
      const elapsed = performance.now() - started;
      expect(codeOf(result)).toBe('INVALID_INPUT');
      expect(messageOf(result)).toMatch(/too many edges crossing .* simplify it/);
      // Without the budget the 1000-point star alone takes about 10 s, and the large one exhausts memory.
      expect(elapsed).toBeLessThan(1500);
    }
    // An ordinary self-crossing outline is still split and saved.
    const figureEight = polygonShape([10, 10, 30, 30, 30, 10, 10, 30], classes.roi);
    const saved = await save(services, [figureEight], imageId);
    expect(codeOf(saved)).toBe('ok');
    const annotations = await dispatch(services, 'getImageAnnotations', { imageId });
    const stored = (annotations as { value: { annotations: { geometry: { polygons: unknown[] } }[] } }).value;
    expect(stored.annotations).toHaveLength(1);
    expect(stored.annotations[0]!.geometry.polygons).toHaveLength(2);
  });

  it('shapes that each fit but together exceed the budget are refused as a batch', async () => {
    const { services, images, classes } = await studyWithImages(tempDir(), [{ width: 64, height: 48 }]);
    open.push(services);
    const crossingEllipse = (id: string) => {
      const ring: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const angle = (2 * Math.PI * i) / 5000;
        ring.push(32 + 20 * Math.cos(angle), 24 + 12 * Math.sin(angle));
      }
      [ring[0], ring[1], ring[2], ring[3]] = [ring[2]!, ring[3]!, ring[0]!, ring[1]!];
      return polygonShape(ring, classes.roi, { id });
    };
    expect(codeOf(await save(services, [crossingEllipse('e1')], images[0]!.id))).toBe('ok');
    const batch = await save(services, [crossingEllipse('e2'), crossingEllipse('e3')], images[0]!.id);
    expect(codeOf(batch)).toBe('INVALID_INPUT');
    expect(messageOf(batch)).toMatch(/fewer shapes at a time/);
    const view = await dispatch(services, 'getImageAnnotations', { imageId: images[0]!.id });
    expect((view as { value: { annotations: unknown[] } }).value.annotations).toHaveLength(1);
  });
});
