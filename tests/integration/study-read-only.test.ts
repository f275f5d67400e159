import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../main/services/study/migrations';
import { openStudyDatabase } from '../../main/services/study/open-database';
import { canUseImmutableAttribute, setImmutable } from '../helpers/read-only';
import { writePng } from '../helpers/synthetic-images';
import { hashTree, useTempDirs } from '../helpers/temp-dir';

const immutableWorks = canUseImmutableAttribute();
if (!immutableWorks) {
  console.warn(
    'study-read-only: skipped, `chattr +i` is not available here (needs root on ext4 or similar).',
  );
}

describe.skipIf(!immutableWorks)('a read-only study (immutable folder, which even root cannot write)', () => {
  const tempDir = useTempDirs();
  let locked: string[] = [];
  afterEach(() => {
    setImmutable(locked, false);
    locked = [];
  });

  async function readOnlyStudy() {
    const dir = tempDir();
    const services = createServices({ studyDir: dir });
    await services.createStudy({ name: 'Archived' });
    const subject = await services.addSubject({ code: 'P01' });
    const timepoint = await services.addTimepoint({
      subjectId: subject.id,
      label: 'before',
      session: 0,
      date: null,
    });
    const file = await writePng(path.join(tempDir(), 'kept.png'), { width: 80, height: 60 });
    const { imported } = await services.importFiles(timepoint.id, [{ path: file, fileName: 'kept.png' }]);
    services.close();
    const snapshot = hashTree(dir);
    locked = [dir, path.join(dir, 'study.sqlite'), path.join(dir, 'images'), path.join(dir, 'cache')];
    setImmutable(locked, true);
    return { dir, subject, timepoint, image: imported[0], snapshot };
  }

  it('opens read-only, shows everything, and refuses every change with STUDY_READ_ONLY', async () => {
    const { dir, subject, timepoint, image, snapshot } = await readOnlyStudy();
    if (!image) throw new Error('not imported');
    const services = createServices({ studyDir: dir });
    const view = await services.getStudy({});
    expect(view?.study.readOnly).toBe(true);
    expect(view?.subjects[0]?.timepoints[0]?.images.map((i) => i.fileName)).toEqual(['kept.png']);
    expect(fs.existsSync((await services.imageAsset(image.id, 'preview')).path)).toBe(true);

    const newImage = await writePng(path.join(tempDir(), 'new.png'), { width: 40, height: 40, seed: 3 });
    const attempts: [string, () => Promise<unknown>][] = [
      ['addSubject', () => services.addSubject({ code: 'P02' })],
      ['renameSubject', () => services.renameSubject({ subjectId: subject.id, code: 'X' })],
      [
        'addTimepoint',
        () => services.addTimepoint({ subjectId: subject.id, label: 'after', session: 1, date: null }),
      ],
      [
        'updateTimepoint',
        () => services.updateTimepoint({ timepointId: timepoint.id, label: 'b', session: 0, date: null }),
      ],
      ['setCalibration', () => services.setCalibration({ imageId: image.id, umPerPx: 2, source: 'typed' })],
      ['importFiles', () => services.importFiles(timepoint.id, [{ path: newImage, fileName: 'new.png' }])],
      ['stageUpload', () => services.stageUpload(new Uint8Array([1, 2, 3]), 'x.png')],
      [
        'importImages',
        () =>
          services.importImages({
            timepointId: timepoint.id,
            uploads: [{ uploadId: 'a'.repeat(24), fileName: 'x' }],
          }),
      ],
    ];
    for (const [name, attempt] of attempts) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err?.code, name).toBe('STUDY_READ_ONLY');
      expect(err?.message, name).toContain(dir);
      expect(err?.message, name).toMatch(/Copy the study to a writable folder/);
    }
    services.close();
    setImmutable(locked, false);
    locked = [];
    expect(hashTree(dir)).toEqual(snapshot);
  });

  it('refuses to migrate a read-only study that needs an upgrade, changing nothing', async () => {
    const { dir, snapshot } = await readOnlyStudy();
    const extra = { version: LATEST_SCHEMA_VERSION + 1, name: 'test', up: () => undefined };
    await expect(openStudyDatabase(dir, true, { migrations: [...MIGRATIONS, extra] })).rejects.toMatchObject({
      code: 'STUDY_READ_ONLY',
      message: expect.stringContaining(
        `schema version ${LATEST_SCHEMA_VERSION} to ${LATEST_SCHEMA_VERSION + 1}`,
      ) as unknown,
    });
    setImmutable(locked, false);
    locked = [];
    expect(hashTree(dir)).toEqual(snapshot);
  });
});
