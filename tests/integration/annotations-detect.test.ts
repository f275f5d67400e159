import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../main/services';
import { detectStainInPolygons } from '../../main/services/annotations/detect-in-region';
import { createRepositories } from '../../main/services/study/repositories';
import { findPreset } from '../../shared/analysis/presets';
import { parseProtocol, type AnalysisProtocolInput } from '../../shared/analysis/protocol';
import { TiledMask } from '../../shared/annotations/tiled-mask';
import type { Annotation, EncodedMask } from '../../shared/annotations/types';
import { pointInPolygon } from '../../shared/geometry/contains';
import type { Polygon } from '../../shared/geometry/types';
import { call, must, rectangle, studyWithImages } from '../helpers/annotation-study';
import { makeSlide, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { useTempDirs } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];
const WIDTH = 260;
const HEIGHT = 180;
// Beer-Lambert slide in the default preset's own stains: the painted pixels are the answer.
const slide = makeSlide({
  width: WIDTH,
  height: HEIGHT,
  target: purple,
  counter: pink,
  blobs: randomBlobs(WIDTH, HEIGHT, 24, 11),
  noise: 1,
});

/** Truth pixels whose centre lies in the region: what the analysis must find there. */
function expectedInside(region: Polygon): Set<number> {
  const inside = new Set<number>();
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      if (slide.truth[y * WIDTH + x] && pointInPolygon(x + 0.5, y + 0.5, region)) inside.add(y * WIDTH + x);
    }
  }
  return inside;
}

function maskPixels(encoded: EncodedMask): Set<number> {
  const mask = TiledMask.decode(encoded, WIDTH, HEIGHT);
  const set = new Set<number>();
  for (let y = 0; y < HEIGHT; y++) {
    const spans = mask.rowSpans(y);
    for (let i = 0; i < spans.length; i += 2)
      for (let x = spans[i]!; x < spans[i + 1]!; x++) set.add(y * WIDTH + x);
  }
  return set;
}

/** Sizes of the 8-connected objects of a pixel set. */
function objectSizes(pixels: Set<number>): number[] {
  const seen = new Set<number>();
  const sizes: number[] = [];
  for (const start of pixels) {
    if (seen.has(start)) continue;
    seen.add(start);
    const stack = [start];
    let size = 0;
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const [x, y] = [p % WIDTH, Math.floor(p / WIDTH)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          const q = ny * WIDTH + nx;
          if (nx < 0 || ny < 0 || nx >= WIDTH || ny >= HEIGHT || seen.has(q) || !pixels.has(q)) continue;
          seen.add(q);
          stack.push(q);
        }
      }
    }
    sizes.push(size);
  }
  return sizes;
}

/** The study's analysis protocol, written the way the study stores it. */
function saveStudyProtocol(studyDir: string, protocol: AnalysisProtocolInput): void {
  const db = new Database(path.join(studyDir, 'study.sqlite'));
  try {
    createRepositories(db).protocol.save(protocol, new Date().toISOString());
  } finally {
    db.close();
  }
}

describe('detect stain in a region (analysis engine at full resolution, real sharp decode)', () => {
  const tempDir = useTempDirs('dq-detect-');
  const open: Services[] = [];
  beforeAll(() => ensureMainBuilt(), 180_000);
  afterEach(() => {
    for (const services of open.splice(0)) services.close();
  });

  async function study() {
    const made = await studyWithImages(tempDir(), [{ width: WIDTH, height: HEIGHT, rgb: slide.rgb }]);
    open.push(made.services);
    return { ...made, imageId: made.images[0]!.id };
  }

  it('finds exactly the painted pixels inside a rectangle and returns them as a cropped mask', async () => {
    const { services, imageId } = await study();
    const region = { outer: rectangle(30, 20, 200, 150), holes: [] };
    const expected = expectedInside(region);
    expect(expected.size).toBeGreaterThan(1000);
    const found = await must(services, 'detectStainInRegion', { imageId, region });
    expect(found.stainedPx).toBe(expected.size);
    expect(found.analyzedPx).toBe(170 * 130);
    expect(found.mask.scale).toBe(1);
    expect(maskPixels(found.mask)).toEqual(expected);
    // Cropped to the stained pixels' bounding box, inside the region.
    const xs = [...expected].map((p) => p % WIDTH);
    const ys = [...expected].map((p) => Math.floor(p / WIDTH));
    expect(found.mask).toMatchObject({
      left: Math.min(...xs),
      top: Math.min(...ys),
      width: Math.max(...xs) - Math.min(...xs) + 1,
      height: Math.max(...ys) - Math.min(...ys) + 1,
    });
  });

  it('follows a concave region with a hole and a part off the image, and the mask saves as an annotation', async () => {
    const { services, imageId, classes } = await study();
    const outer = [-40.25, 10.25, 240.75, 30.5, 120.5, 90.25, 250.25, 170.75, 5.5, 220.5];
    const region = { outer, holes: [[60.25, 100.5, 110.75, 100.5, 90.5, 140.25]] };
    const expected = expectedInside(region);
    const found = await must(services, 'detectStainInRegion', { imageId, region });
    expect(found.stainedPx).toBe(expected.size);
    expect(maskPixels(found.mask)).toEqual(expected);

    const stained: Annotation = {
      id: randomUUID(),
      classId: classes.stained,
      kind: 'mask',
      name: 'detected',
      geometry: { type: 'mask', mask: found.mask },
    };
    expect(
      await must(services, 'saveAnnotationChanges', { imageId, put: [stained], remove: [] }),
    ).toMatchObject({
      adjusted: [],
    });
    expect((await must(services, 'getImageAnnotations', { imageId })).annotations).toEqual([stained]);
  });

  it("uses the given settings, else the study's protocol: a size filter shapes the mask as an analysis counts it", async () => {
    const { services, dir, imageId } = await study();
    const region = { outer: rectangle(0, 0, WIDTH, HEIGHT), holes: [] };
    const unfiltered = await must(services, 'detectStainInRegion', { imageId, region });
    expect(unfiltered.stainedPx).toBe(slide.truthCount);

    const protocol = { threshold: { method: 'fixed', od: 0.3 }, minObjectArea: 150 } as const;
    const given = await must(services, 'detectStainInRegion', { imageId, region, protocol });
    saveStudyProtocol(dir, protocol);
    const filtered = await must(services, 'detectStainInRegion', { imageId, region });
    expect(filtered).toEqual(given);
    // Settings given with the call win over the study's.
    const override = { threshold: { method: 'fixed', od: 0.3 } } as const;
    expect(await must(services, 'detectStainInRegion', { imageId, region, protocol: override })).toEqual(
      unfiltered,
    );
    expect(
      await call(services, 'detectStainInRegion', { imageId, region, protocol: { stain: 'no-such-stain' } }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/Unknown stain preset "no-such-stain"/),
      },
    });
    const pixels = maskPixels(filtered.mask);
    const sizes = objectSizes(pixels);
    expect(filtered.stainedPx).toBeLessThan(unfiltered.stainedPx);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(150);
    // Kept objects are whole: every filtered pixel was stained before filtering.
    const before = maskPixels(unfiltered.mask);
    expect([...pixels].every((p) => before.has(p))).toBe(true);
    expect(
      objectSizes(before)
        .filter((size) => size >= 150)
        .reduce((a, b) => a + b, 0),
    ).toBe(filtered.stainedPx);

    const analysis = await must(services, 'analyzeImage', {
      imageId,
      protocol,
      region: { include: [[region.outer]], exclude: [] },
    });
    expect(analysis.measurement.stainedAreaPx).toBe(filtered.stainedPx);
    expect(analysis.measurement.analyzedAreaPx).toBe(filtered.analyzedPx);
  });

  it('gives the same mask in worker threads as in this thread', async () => {
    const { dir, images } = await study();
    // The stored copy is named by its content hash.
    const stored = fs
      .readdirSync(path.join(dir, 'images'))
      .find((name) => name.startsWith(images[0]!.sha256));
    const file = path.join(dir, 'images', stored!);
    const polygons = [{ outer: [10.5, 5.5, 250.5, 40.5, 200.5, 175.5, 20.5, 160.5], holes: [] }];
    const protocol = parseProtocol({ smoothing: { sigma: 1.5, unit: 'px' }, maxHoleArea: 40 });
    const options = { umPerPx: null, maxImagePixels: 1e9 };
    const inThread = await detectStainInPolygons(file, protocol, polygons, { ...options, workers: 0 });
    const threaded = await detectStainInPolygons(file, protocol, polygons, { ...options, workers: 2 });
    expect(threaded).toEqual(inThread);
    expect(inThread.stainedPx).toBeGreaterThan(0);
  });

  it('refuses a region off the image or without area, and an unknown image', async () => {
    const { services, imageId } = await study();
    const outside = await call(services, 'detectStainInRegion', {
      imageId,
      region: { outer: rectangle(300, 300, 400, 400), holes: [] },
    });
    expect(outside).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!outside.ok && outside.error.message).toMatch(
      /region to detect stain in on image-0\.png cannot be used: It lies wholly outside the 260 x 180 px image/,
    );
    const flat = await call(services, 'detectStainInRegion', {
      imageId,
      region: { outer: [0, 0, 10, 10, 20, 20], holes: [] },
    });
    expect(!flat.ok && flat.error.message).toMatch(/encloses no area/);
    expect(
      await call(services, 'detectStainInRegion', {
        imageId: 404,
        region: { outer: rectangle(0, 0, 9, 9), holes: [] },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
