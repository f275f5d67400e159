import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/api';
import { apiSchema } from '../../shared/api';
import { StudyView } from '../../shared/domain';
import { createServices, type Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { LATEST_SCHEMA_VERSION } from '../../main/services/study/migrations';
import { closeStudyDatabase, openStudyDatabase } from '../../main/services/study/open-database';
import { createRepositories } from '../../main/services/study/repositories';
import { useTempDirs } from '../helpers/temp-dir';
import { writePng } from '../helpers/synthetic-images';

async function freshStudy(
  dir: string,
): Promise<{ services: Services; events: { name: EventName; reason?: string }[] }> {
  const services = createServices({ studyDir: dir });
  const events: { name: EventName; reason?: string }[] = [];
  services.onEvent((name, payload) => events.push({ name, reason: (payload as { reason?: string }).reason }));
  await services.createStudy({ name: 'Microneedling pilot' });
  return { services, events };
}

describe('study methods over real SQLite', () => {
  const tempDir = useTempDirs();

  it('creates subjects and timepoints, lists them in one StudyView and emits study-changed', async () => {
    const dir = tempDir();
    const { services, events } = await freshStudy(dir);
    const s2 = await services.addSubject({ code: 'P02' });
    const s1 = await services.addSubject({ code: 'P01' });
    await services.addTimepoint({ subjectId: s1.id, label: 'after', session: 3, date: '2024-06-01' });
    await services.addTimepoint({ subjectId: s1.id, label: 'before', session: 0, date: '2024-01-10' });
    await services.addTimepoint({ subjectId: s2.id, label: 'before', session: null, date: null });
    const view = await services.getStudy({});
    expect(StudyView.parse(view)).toEqual(view);
    expect(view?.study).toMatchObject({
      name: 'Microneedling pilot',
      dir,
      schemaVersion: LATEST_SCHEMA_VERSION,
      readOnly: false,
    });
    // Subjects by code; timepoints by session number.
    expect(view?.subjects.map((s) => s.code)).toEqual(['P01', 'P02']);
    expect(view?.subjects[0]?.timepoints.map((t) => [t.label, t.session, t.date])).toEqual([
      ['before', 0, '2024-01-10'],
      ['after', 3, '2024-06-01'],
    ]);
    expect(events.map((e) => e.reason)).toEqual([
      'created',
      'subject-added',
      'subject-added',
      'timepoint-added',
      'timepoint-added',
      'timepoint-added',
    ]);
    expect(new Set(events.map((e) => e.name))).toEqual(new Set(['study-changed']));
    services.close();
  });

  it('refuses a duplicate subject code (case-insensitive) and a duplicate timepoint label with CONFLICT', async () => {
    const { services } = await freshStudy(tempDir());
    const subject = await services.addSubject({ code: 'P01' });
    await expect(services.addSubject({ code: 'p01' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await services.addTimepoint({ subjectId: subject.id, label: 'before', session: 0, date: null });
    await expect(
      services.addTimepoint({ subjectId: subject.id, label: 'Before', session: 1, date: null }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('P01') as unknown });
    const view = await services.getStudy({});
    expect(view?.subjects).toHaveLength(1);
    expect(view?.subjects[0]?.timepoints).toHaveLength(1);
    services.close();
  });

  it('renames subjects and updates timepoints, refusing names already taken', async () => {
    const { services } = await freshStudy(tempDir());
    const a = await services.addSubject({ code: 'A' });
    await services.addSubject({ code: 'B' });
    expect(await services.renameSubject({ subjectId: a.id, code: 'A2' })).toMatchObject({
      id: a.id,
      code: 'A2',
    });
    await expect(services.renameSubject({ subjectId: a.id, code: 'b' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    // Renaming to its own code in another case is allowed.
    expect(await services.renameSubject({ subjectId: a.id, code: 'a2' })).toMatchObject({ code: 'a2' });
    const t1 = await services.addTimepoint({ subjectId: a.id, label: 'before', session: 0, date: null });
    const t2 = await services.addTimepoint({ subjectId: a.id, label: 'after', session: 1, date: null });
    expect(
      await services.updateTimepoint({
        timepointId: t2.id,
        label: 'after 3',
        session: 3,
        date: '2024-05-02',
      }),
    ).toEqual({ id: t2.id, subjectId: a.id, label: 'after 3', session: 3, date: '2024-05-02' });
    await expect(
      services.updateTimepoint({ timepointId: t2.id, label: 'BEFORE', session: 3, date: null }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      services.updateTimepoint({ timepointId: 999, label: 'x', session: null, date: null }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.renameSubject({ subjectId: 999, code: 'Z' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(t1.label).toBe('before');
    services.close();
  });

  it('sets calibration with an audit record, and refuses it on a locked image', async () => {
    const dir = tempDir();
    const { services } = await freshStudy(dir);
    const subject = await services.addSubject({ code: 'P01' });
    const timepoint = await services.addTimepoint({
      subjectId: subject.id,
      label: 'before',
      session: 0,
      date: null,
    });
    const file = await writePng(path.join(tempDir(), 'a.png'), { width: 64, height: 48 });
    const { imported } = await services.importFiles(timepoint.id, [{ path: file, fileName: 'a.png' }]);
    const image = imported[0];
    if (!image) throw new Error('not imported');
    expect(image.umPerPx).toBeNull();
    const calibrated = await services.setCalibration({ imageId: image.id, umPerPx: 0.25, source: 'typed' });
    expect(calibrated).toMatchObject({ id: image.id, umPerPx: 0.25, calibrationSource: 'typed' });
    services.close();

    // Inspect and change the stored rows directly through the repositories.
    const db = await openStudyDatabase(dir, false);
    const repos = createRepositories(db);
    const audit = repos.audit.list('image', image.id);
    expect(audit.map((e) => e.kind)).toEqual(['image-imported', 'calibration-changed']);
    expect(audit[1]?.detail).toEqual({
      from: { umPerPx: null, source: null },
      to: { umPerPx: 0.25, source: 'typed' },
    });
    repos.images.setLocked(image.id, true);
    closeStudyDatabase(db);

    const reopened = createServices({ studyDir: dir });
    await expect(
      reopened.setCalibration({ imageId: image.id, umPerPx: 1, source: 'typed' }),
    ).rejects.toMatchObject({
      code: 'LOCKED',
      message: expect.stringContaining('a.png') as unknown,
    });
    const view = await reopened.getStudy({});
    expect(view?.subjects[0]?.timepoints[0]?.images[0]).toMatchObject({ umPerPx: 0.25, locked: true });
    await expect(
      reopened.setCalibration({ imageId: 4242, umPerPx: 1, source: 'typed' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    reopened.close();
  });

  it('keeps annotation classes: four seeded, user classes added with a colour', async () => {
    const dir = tempDir();
    const { services } = await freshStudy(dir);
    services.close();
    const db = await openStudyDatabase(dir, false);
    const repos = createRepositories(db);
    const added = repos.annotationClasses.insert('Elastin', '#AA3300', new Date().toISOString());
    expect(added).toMatchObject({ name: 'Elastin', colour: '#aa3300', role: null, builtIn: false });
    expect(repos.annotationClasses.list().map((c) => [c.name, c.builtIn])).toEqual([
      ['Region of interest', true],
      ['Exclude', true],
      ['Stained collagen', true],
      ['Not stained', true],
      ['Elastin', false],
    ]);
    expect(() => repos.annotationClasses.insert('elastin', '#000000', 'now')).toThrow(/UNIQUE/);
    expect(() => repos.annotationClasses.insert('Bad colour', 'red', 'now')).toThrow(/CHECK/);
    expect(repos.study.get()).toMatchObject({ name: 'Microneedling pilot', createdByVersion: '0.1.0' });
    closeStudyDatabase(db);
  });

  it('answers NO_STUDY before a study exists, and errors travel through dispatch as data', async () => {
    const dir = path.join(tempDir(), 'not-yet');
    const services = createServices({ studyDir: dir });
    expect(await services.getStudy({})).toBeNull();
    expect(await dispatch(services, 'addSubject', { code: 'X' })).toMatchObject({
      ok: false,
      error: { code: 'NO_STUDY' },
    });
    expect(await dispatch(services, 'createStudy', { name: 'Via dispatch' })).toMatchObject({ ok: true });
    const added = await dispatch(services, 'addSubject', { code: '  P9  ' });
    expect(added).toMatchObject({ ok: true, value: { code: 'P9' } });
    const got = await dispatch(services, 'getStudy', {});
    if (!got.ok) throw new Error(got.error.message);
    // What crosses the boundary satisfies the contract's own output schema.
    expect(apiSchema.getStudy.output.parse(got.value)?.study.name).toBe('Via dispatch');
    services.close();
    const nowhere = createServices({ studyDir: null });
    await expect(nowhere.createStudy({ name: 'x' })).rejects.toMatchObject({ code: 'NO_STUDY' });
  });

  it('stores annotations, measurements, the protocol and stain presets as checked JSON', async () => {
    const dir = tempDir();
    const { services } = await freshStudy(dir);
    const subject = await services.addSubject({ code: 'P01' });
    const timepoint = await services.addTimepoint({
      subjectId: subject.id,
      label: 'before',
      session: 0,
      date: null,
    });
    const file = await writePng(path.join(tempDir(), 'm.png'), { width: 32, height: 32 });
    const image = (await services.importFiles(timepoint.id, [{ path: file, fileName: 'm.png' }])).imported[0];
    if (!image) throw new Error('not imported');
    services.close();

    const db = await openStudyDatabase(dir, false);
    const repos = createRepositories(db);
    const roiClass = repos.annotationClasses.list()[0];
    if (!roiClass) throw new Error('no seeded class');
    const polygons = { type: 'polygons', polygons: [{ outer: [0, 0, 10, 0, 10, 10], holes: [] }] };
    const key = '0b6f1c2e-8d7a-4c1b-9f3e-2a5d6c7b8e9f';
    repos.annotations.upsert(
      { key, imageId: image.id, classId: roiClass.id, kind: 'polygon', geometry: polygons, name: 'dermis' },
      '2024-01-01T00:00:00.000Z',
    );
    expect(repos.annotations.listForImage(image.id)).toEqual([
      {
        key,
        imageId: image.id,
        classId: roiClass.id,
        kind: 'polygon',
        geometry: polygons,
        name: 'dermis',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
      },
    ]);
    // Saving the same key again updates it in place, keeping its creation time.
    repos.annotations.upsert(
      { key, imageId: image.id, classId: roiClass.id, kind: 'freehand', geometry: polygons, name: '' },
      '2024-01-02T00:00:00.000Z',
    );
    expect(repos.annotations.listForImage(image.id)).toHaveLength(1);
    expect(repos.annotations.get(key)).toMatchObject({
      kind: 'freehand',
      name: '',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-02T00:00:00.000Z',
    });
    // A key cannot jump to another image.
    expect(() =>
      repos.annotations.upsert(
        { key, imageId: 999, classId: roiClass.id, kind: 'point', geometry: {}, name: '' },
        'now',
      ),
    ).toThrow();
    expect(() => db.prepare("UPDATE annotation SET geometry = 'not json' WHERE key = ?").run(key)).toThrow(
      /CHECK/,
    );
    expect(() =>
      repos.annotations.upsert(
        { key: 'other', imageId: 999, classId: roiClass.id, kind: 'point', geometry: {}, name: '' },
        'now',
      ),
    ).toThrow(/FOREIGN KEY/);
    expect(repos.annotations.delete(image.id, key)).toBe(true);
    expect(repos.annotations.delete(image.id, key)).toBe(false);
    expect(repos.annotations.listForImage(image.id)).toEqual([]);

    repos.annotationClasses.update(roiClass.id, 'Dermis ROI', '#00AA00');
    expect(repos.annotationClasses.get(roiClass.id)).toMatchObject({
      name: 'Dermis ROI',
      colour: '#00aa00',
      role: 'roi',
    });

    const first = repos.measurements.insert({
      imageId: image.id,
      imageSha256: image.sha256,
      algorithmVersion: '1.0.0',
      params: { threshold: 0.15 },
      result: { stainedAreaPx: 12 },
      createdAt: '2024-01-01T00:00:00.000Z',
    });
    const second = repos.measurements.insert({
      ...first,
      params: { threshold: 0.2 },
      createdAt: '2024-01-03T00:00:00.000Z',
    });
    expect(repos.measurements.listForImage(image.id).map((m) => m.id)).toEqual([first.id, second.id]);
    expect(repos.measurements.latestForImage(image.id)).toEqual(second);

    expect(repos.protocol.get()).toBeUndefined();
    repos.protocol.save({ stain: 'purple' }, '2024-01-01T00:00:00.000Z');
    repos.protocol.save({ stain: 'masson' }, '2024-01-02T00:00:00.000Z');
    repos.protocol.setLocked(true, '2024-01-03T00:00:00.000Z');
    // Two saves: revision 2 (locking does not count as a change of the parameters).
    expect(repos.protocol.get()).toEqual({
      params: { stain: 'masson' },
      locked: true,
      updatedAt: '2024-01-03T00:00:00.000Z',
      revision: 2,
    });

    repos.stainPresets.save('Picrosirius', [[0.1, 0.8, 0.6]], '2024-01-01T00:00:00.000Z');
    const updated = repos.stainPresets.save('picrosirius', [[0.2, 0.7, 0.6]], '2024-01-02T00:00:00.000Z');
    expect(updated).toMatchObject({
      name: 'Picrosirius',
      vectors: [[0.2, 0.7, 0.6]],
      createdAt: '2024-01-01T00:00:00.000Z',
    });
    expect(repos.stainPresets.list()).toHaveLength(1);
    closeStudyDatabase(db);
  });
});
