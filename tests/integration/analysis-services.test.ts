import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { findPreset } from '../../shared/analysis/presets';
import { angleDegrees, normalize } from '../../shared/analysis/stain-matrix';
import { makeSlide, randomBlobs, type Vec3 } from '../helpers/beer-lambert';
import { ensureMainBuilt } from '../helpers/build-main';
import { useTempDirs } from '../helpers/temp-dir';

const [purple, pink] = findPreset('purple')!.stains.map((s) => s.od as Vec3) as [Vec3, Vec3];

describe('analysis methods of the services object (real study, real sharp, worker threads)', () => {
  const tempDir = useTempDirs('dermaquant-analysis-services-');
  const slide = makeSlide({
    width: 260,
    height: 180,
    target: purple,
    counter: pink,
    blobs: randomBlobs(260, 180, 20, 6),
    noise: 1,
  });
  const open: Services[] = [];
  beforeAll(() => ensureMainBuilt(), 120_000);
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  async function studyWithImage() {
    const dir = tempDir();
    const src = tempDir();
    const file = path.join(src, 'biopsy.png');
    await sharp(Buffer.from(slide.rgb), { raw: { width: slide.width, height: slide.height, channels: 3 } })
      .png()
      .toFile(file);
    const studyDir = path.join(dir, 'study');
    const services = createServices({ studyDir });
    open.push(services);
    await services.createStudy({ name: 'Analysis' });
    const subject = await services.addSubject({ code: 'S01' });
    const timepoint = await services.addTimepoint({
      subjectId: subject.id,
      label: 'before',
      session: 0,
      date: null,
    });
    const outcome = await services.importFiles(timepoint.id, [{ path: file, fileName: 'biopsy.png' }]);
    const image = outcome.imported[0]!;
    await services.setCalibration({ imageId: image.id, umPerPx: 0.5, source: 'typed' });
    return { services, image, studyDir };
  }

  it('analyses a stored image, stores the measurement with version, params and hash, and emits progress', async () => {
    const { services, image } = await studyWithImage();
    const events: unknown[] = [];
    services.onEvent((name, payload) => {
      if (name === 'analysis-progress') events.push(payload);
    });
    const result = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      protocol: { threshold: { method: 'fixed', od: 0.3 } },
      jobId: 'job-1',
    });
    expect(result.ok).toBe(true);
    const record = (result as { ok: true; value: Awaited<ReturnType<Services['analyzeImage']>> }).value;
    expect(record.measurement.stainedAreaPx).toBe(slide.truthCount);
    expect(record.measurement.stainedAreaUm2).toBeCloseTo(slide.truthCount * 0.25, 9);
    expect(record.imageSha256).toBe(image.sha256);
    expect(record.params.umPerPx).toBe(0.5);
    expect(events.at(-1)).toMatchObject({ jobId: 'job-1' });
    // The row in SQLite holds the same numbers.
    const dbPath = path.join(services.studyDir()!, 'study.sqlite');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dbPath, { readonly: true });
    const row = db
      .prepare('SELECT image_sha256, algorithm_version, params, result FROM measurement')
      .get() as Record<string, string>;
    db.close();
    expect(row.image_sha256).toBe(image.sha256);
    expect(row.algorithm_version).toBe(record.algorithmVersion);
    expect(JSON.parse(row.params).stain.vectors).toEqual(record.params.stain.vectors);
    expect(JSON.parse(row.result).stainedAreaPx).toBe(slide.truthCount);
  });

  it('lists presets, calibrates a stain from a region, saves it and analyses with it by name', async () => {
    const { services, image } = await studyWithImage();
    const builtIn = await services.listStainPresets({});
    expect(builtIn.map((p) => p.name)).toEqual(['purple', 'hed', 'he', 'h-dab', 'masson']);
    // The biggest blob of purple on pink: its mean OD lies between the two stains, nearer purple.
    const blob = randomBlobs(260, 180, 20, 6).sort((a, b) => b.r - a.r)[0]!;
    const square = [
      blob.cx - blob.r / 2,
      blob.cy - blob.r / 2,
      blob.cx + blob.r / 2,
      blob.cy - blob.r / 2,
      blob.cx + blob.r / 2,
      blob.cy + blob.r / 2,
      blob.cx - blob.r / 2,
      blob.cy + blob.r / 2,
    ];
    const calibrated = await services.calibrateStain({
      imageId: image.id,
      method: 'region',
      region: { include: [[square]], exclude: [], includeMasks: [], excludeMasks: [] },
      saveAs: 'lab-purple',
    });
    expect(calibrated.saved).toBe(true);
    const od = calibrated.stains[0]!.od;
    expect(angleDegrees(od, normalize(purple))).toBeLessThan(angleDegrees(od, normalize(pink)));
    const presets = await services.listStainPresets({});
    expect(presets.at(-1)).toMatchObject({ name: 'lab-purple', builtIn: false });
    const record = await services.analyzeImage({
      imageId: image.id,
      protocol: { stain: 'lab-purple', threshold: { method: 'otsu' } } as never,
      region: null,
    });
    expect(record.params.stain.names[0]).toBe('lab-purple');
    expect(record.measurement.stainedAreaPx).toBeGreaterThan(0);
  });

  it('cancels a running analysis and refuses bad input with clear errors', async () => {
    const { services, image } = await studyWithImage();
    const running = services.analyzeImage({
      imageId: image.id,
      protocol: { threshold: { method: 'otsu' } } as never,
      region: null,
      jobId: 'slow',
    });
    expect(await services.cancelAnalysis({ jobId: 'slow' })).toEqual({ cancelled: true });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await services.cancelAnalysis({ jobId: 'none' })).toEqual({ cancelled: false });

    const missing = await dispatch(services, 'analyzeImage', { imageId: 999 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const preset = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      protocol: { stain: 'sirius' },
    });
    expect(preset).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Unknown stain preset "sirius"/) },
    });
    const outside = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      region: { include: [[[900, 900, 950, 900, 950, 950]]] },
    });
    expect(outside).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^biopsy\.png: The region of interest covers no pixel/),
      },
    });
    const schema = await dispatch(services, 'analyzeImage', {
      imageId: image.id,
      protocol: { threshold: { method: 'median' } },
    });
    expect(schema).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const builtInName = await dispatch(services, 'calibrateStain', {
      imageId: image.id,
      method: 'macenko',
      saveAs: 'hed',
    });
    expect(builtInName).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('names a damaged stored copy by its original file name, in analysis and in stain calibration', async () => {
    const { services, image, studyDir } = await studyWithImage();
    const stored = path.join(studyDir, 'images', `${image.sha256}.png`);
    const bytes = await fs.readFile(stored);
    // The header survives (the image probes), the pixels do not: the decoder names the file it read.
    await fs.writeFile(stored, bytes.subarray(0, 120));
    for (const failed of [
      await dispatch(services, 'analyzeImage', { imageId: image.id }),
      await dispatch(services, 'calibrateStain', { imageId: image.id, method: 'macenko' }),
    ]) {
      expect(failed).toMatchObject({ ok: false, error: { message: expect.stringContaining('biopsy.png') } });
      expect((failed as { error: { message: string } }).error.message).not.toContain(stored);
    }
  });

  it("keeps one study protocol: analyses without a protocol use it and lock it; changing it then needs 'unlock'", async () => {
    const { services, image } = await studyWithImage();
    expect(await services.getAnalysisProtocol({})).toEqual({
      protocol: null,
      locked: false,
      updatedAt: null,
    });
    const bad = await dispatch(services, 'setAnalysisProtocol', { protocol: { stain: 'sirius' } });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Unknown stain preset/) },
    });
    const set = await dispatch(services, 'setAnalysisProtocol', {
      protocol: { threshold: { method: 'fixed', od: 0.3 } },
    });
    expect(set).toMatchObject({
      ok: true,
      value: { locked: false, protocol: { threshold: { method: 'fixed', od: 0.3 } } },
    });
    const measured = await dispatch(services, 'analyzeImage', { imageId: image.id });
    expect(measured).toMatchObject({
      ok: true,
      value: { params: { threshold: { od: 0.3 } }, measurement: { stainedAreaPx: slide.truthCount } },
    });
    expect((await services.getAnalysisProtocol({})).locked).toBe(true);
    const refused = await dispatch(services, 'setAnalysisProtocol', {
      protocol: { threshold: { method: 'otsu' } },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    const changed = await dispatch(services, 'setAnalysisProtocol', {
      protocol: { threshold: { method: 'otsu' } },
      unlock: true,
    });
    expect(changed).toMatchObject({
      ok: true,
      value: { locked: false, protocol: { threshold: { method: 'otsu' } } },
    });
  });
});
