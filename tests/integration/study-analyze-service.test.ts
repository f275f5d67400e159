/**
 * services.analyzeStudy on real SQLite studies with real PNGs (sharp, worker threads): the one loop
 * behind `dermaquant study analyze` and the Results screen. Every image's stained pixels are known
 * exactly (writeStainedBlockPng), so the stored figures are checked, not just counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { AnalysisProtocol } from '../../shared/analysis/protocol';
import type { StudyAnalysisProgress } from '../../shared/api-study-analysis';
import { ensureMainBuilt } from '../helpers/build-main';
import { writeStainedBlockPng } from '../helpers/cli-run';
import { useTempDirs } from '../helpers/temp-dir';

const PROTOCOL = AnalysisProtocol.parse({ threshold: { method: 'fixed', od: 0.15 }, tissue: 'none' });
/** Stained px of each image, by subject and timepoint (of 10 000 px each). */
const STAINED = { S01: { baseline: 300, 'week-12': 900 }, S02: { baseline: 500, 'week-12': 1200 } };

describe('analyzeStudy (real study, real sharp)', () => {
  const tempDir = useTempDirs('dq-analyze-study-');
  const open: Services[] = [];
  beforeAll(() => ensureMainBuilt(), 120_000);
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  /** Two subjects x two timepoints, one image each, and the protocol set. */
  async function cohort() {
    const root = tempDir();
    const services = createServices({ studyDir: path.join(root, 'study') });
    open.push(services);
    await services.createStudy({ name: 'Analyse all' });
    let variant = 0;
    for (const [code, timepoints] of Object.entries(STAINED)) {
      const subject = await services.addSubject({ code });
      for (const [session, [label, px]] of Object.entries(timepoints).entries()) {
        const tp = await services.addTimepoint({ subjectId: subject.id, label, session, date: null });
        const file = await writeStainedBlockPng(
          path.join(root, 'src', `${code}-${label}.png`),
          px,
          variant++,
        );
        const outcome = await services.importFiles(tp.id, [{ path: file, fileName: path.basename(file) }]);
        expect(outcome.failed).toEqual([]);
      }
    }
    await services.setAnalysisProtocol({ protocol: PROTOCOL, unlock: false });
    const events: StudyAnalysisProgress[] = [];
    services.onEvent((name, payload) => {
      if (name === 'study-analysis-progress') events.push(payload as StudyAnalysisProgress);
    });
    return { root, services, events, dir: path.join(root, 'study') };
  }

  it('measures every image in its stored region, emits per-image progress, and locks the protocol', async () => {
    const { services, events } = await cohort();
    const outcome = await services.analyzeStudy({ jobId: 'all', redo: false });
    expect(outcome).toMatchObject({ jobId: 'all', total: 4, skipped: [], failed: [], cancelled: false });
    expect(
      outcome.measured.map((m) => [m.subject, m.timepoint, m.measurement.measurement.stainedAreaPx]),
    ).toEqual([
      ['S01', 'baseline', 300],
      ['S01', 'week-12', 900],
      ['S02', 'baseline', 500],
      ['S02', 'week-12', 1200],
    ]);
    expect(events.map((e) => [e.step, e.done, e.total, e.image.fileName])).toEqual([
      ['measuring', 0, 4, 'S01-baseline.png'],
      ['measured', 1, 4, 'S01-baseline.png'],
      ['measuring', 1, 4, 'S01-week-12.png'],
      ['measured', 2, 4, 'S01-week-12.png'],
      ['measuring', 2, 4, 'S02-baseline.png'],
      ['measured', 3, 4, 'S02-baseline.png'],
      ['measuring', 3, 4, 'S02-week-12.png'],
      ['measured', 4, 4, 'S02-week-12.png'],
    ]);
    const results = await services.listStudyResults({});
    expect(results.protocol.locked).toBe(true);
    expect(results.images.map((r) => r.measurement?.id)).toEqual(
      outcome.measured.map((m) => m.measurement.id),
    );
    const stats = await services.getStudyStats({
      baseline: 'baseline',
      followup: 'week-12',
      measure: 'fraction',
    });
    expect(stats.cohort.n).toBe(2);
    expect(stats.cohort.meanDifference).toBeCloseTo((0.06 + 0.07) / 2, 12);
  });

  it('skips images measured with the current protocol unless asked to redo, and re-measures after a change', async () => {
    const { services } = await cohort();
    await services.analyzeStudy({ redo: false });
    const again = await services.analyzeStudy({ redo: false });
    expect(again.measured).toEqual([]);
    expect(again.skipped.map((s) => s.fileName)).toHaveLength(4);

    const redo = await services.analyzeStudy({ redo: true });
    expect(redo.measured).toHaveLength(4);
    expect(redo.skipped).toEqual([]);

    // An exclusion drawn on one image makes its figure stale: only that image is measured again.
    const image = (await services.listStudyResults({})).images[0]!.image;
    const classes = await services.listAnnotationClasses({});
    const exclude = classes.find((c) => c.role === 'exclude')!;
    await services.saveAnnotationChanges({
      imageId: image.id,
      put: [
        {
          id: 'cut-1',
          classId: exclude.id,
          kind: 'rectangle',
          name: '',
          geometry: { type: 'polygons', polygons: [{ outer: [0, 0, 100, 0, 100, 1, 0, 1], holes: [] }] },
        },
      ],
      remove: [],
    });
    const afterCut = await services.analyzeStudy({ redo: false });
    expect(afterCut.measured.map((m) => m.fileName)).toEqual([image.fileName]);
    // The first row of 100 stained pixels is cut out of the analysed region.
    expect(afterCut.measured[0]!.measurement.measurement).toMatchObject({
      stainedAreaPx: 200,
      analyzedAreaPx: 9900,
    });

    // A new protocol revision makes every measurement stale.
    await services.setAnalysisProtocol({
      protocol: { ...PROTOCOL, threshold: { method: 'otsu' } },
      unlock: true,
    });
    expect((await services.analyzeStudy({ redo: false })).measured).toHaveLength(4);
  });

  it('names an image that fails and goes on with the others', async () => {
    const { services, dir, events } = await cohort();
    const bad = (await services.listStudyResults({})).images[1]!.image;
    fs.writeFileSync(path.join(dir, 'images', `${bad.sha256}.png`), 'not a png any more');
    const outcome = await services.analyzeStudy({ redo: false });
    expect(outcome.measured.map((m) => m.fileName)).toEqual([
      'S01-baseline.png',
      'S02-baseline.png',
      'S02-week-12.png',
    ]);
    expect(outcome.failed).toEqual([
      expect.objectContaining({ fileName: 'S01-week-12.png', subject: 'S01', timepoint: 'week-12' }),
    ]);
    expect(outcome.failed[0]!.error.message).toContain('S01-week-12.png');
    expect(events.find((e) => e.step === 'failed')).toMatchObject({ image: { imageId: bad.id }, done: 2 });
  });

  it('cancels between images and while an image is being measured', async () => {
    const between = await cohort();
    between.services.onEvent((name, payload) => {
      const event = payload as StudyAnalysisProgress;
      if (name === 'study-analysis-progress' && event.step === 'measured' && event.done === 1)
        void between.services.cancelAnalysis({ jobId: 'between' });
    });
    const first = await between.services.analyzeStudy({ jobId: 'between', redo: false });
    expect(first).toMatchObject({ cancelled: true, total: 4, failed: [] });
    expect(first.measured.map((m) => m.fileName)).toEqual(['S01-baseline.png']);

    // Cancelled once the second image's own analysis has started: it is neither measured nor failed.
    const during = await cohort();
    let cancelled: Promise<{ cancelled: boolean }> | null = null;
    during.services.onEvent((name, payload) => {
      const event = payload as StudyAnalysisProgress;
      if (name === 'study-analysis-progress' && event.step === 'measuring' && event.done === 1)
        queueMicrotask(() => (cancelled = during.services.cancelAnalysis({ jobId: 'during' })));
    });
    const second = await during.services.analyzeStudy({ jobId: 'during', redo: false });
    expect(await cancelled).toEqual({ cancelled: true });
    expect(second).toMatchObject({ cancelled: true, failed: [], skipped: [] });
    expect(second.measured.map((m) => m.fileName)).toEqual(['S01-baseline.png']);
    expect((await during.services.listStudyResults({})).images[1]!.measurement).toBeNull();
  });

  it('refuses a study without a protocol, and a job id already running, through the dispatcher', async () => {
    const root = tempDir();
    const services = createServices({ studyDir: path.join(root, 'study') });
    open.push(services);
    await services.createStudy({ name: 'No protocol' });
    expect(await dispatch(services, 'analyzeStudy', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('has no analysis protocol yet') },
    });
    expect(await dispatch(services, 'analyzeStudy', { jobId: 'bad id!' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    const { services: busy } = await cohort();
    const running = busy.analyzeStudy({ jobId: 'twice', redo: false });
    await expect(busy.analyzeStudy({ jobId: 'twice', redo: false })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await running).measured).toHaveLength(4);
  });
});
