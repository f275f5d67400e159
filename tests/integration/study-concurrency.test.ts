import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../main/services';
import { dispatch } from '../../main/services/dispatch';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../main/services/study/migrations';
import { StudySession } from '../../main/services/study/study-session';
import type { Result } from '../../shared/result';
import { polygonShape, rectangle, studyWithImages } from '../helpers/annotation-study';
import { bundleChildScript, type ChildScript } from '../helpers/child-script';
import { repoRoot } from '../helpers/paths';
import { useTempDirs } from '../helpers/temp-dir';

const tempDir = useTempDirs('dq-concurrency-');
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

const codeOf = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);

describe('the lazily opened start-up study and an explicit open racing', () => {
  /** A later schema step: a study made before it must be upgraded, which backs it up first (slow, async). */
  const later: Migration = {
    version: LATEST_SCHEMA_VERSION + 1,
    name: 'test: a later schema',
    up: (db: Database.Database) => db.exec('CREATE TABLE later (id INTEGER PRIMARY KEY) STRICT'),
  };
  const migrations = [...MIGRATIONS, later];

  it('the study opened explicitly stands; the slower lazy open is closed, not leaked', async () => {
    const root = tempDir();
    const [older, newer] = [path.join(root, 'older'), path.join(root, 'newer')];
    const oldMaker = new StudySession(null, {}, 'test');
    await oldMaker.create(older, 'Older', new Date().toISOString());
    oldMaker.close();
    const newMaker = new StudySession(null, { migrations }, 'test');
    await newMaker.create(newer, 'Newer', new Date().toISOString());
    newMaker.close();

    const session = new StudySession(older, { migrations }, 'test');
    const lazy = session.current(); // starts upgrading the older study
    const opened = await session.open(newer); // needs no upgrade: done first
    const lazyResult = await lazy;
    expect(opened.dir).toBe(newer);
    expect(lazyResult?.dir).toBe(newer);
    expect((await session.current())?.dir).toBe(newer);
    expect(session.dir()).toBe(newer);
    session.close();
    // Every connection was closed: a closed study is one file again, with no -wal beside it.
    for (const dir of [older, newer])
      expect(fs.existsSync(path.join(dir, 'study.sqlite-wal')), dir).toBe(false);
  });
});

describe('read-check-write under the write lock (another process changing the study meanwhile)', () => {
  // Another process (a second DermaQuant, a script) locks image 1 in a transaction it holds for a while.
  let child: ChildScript;
  beforeAll(async () => {
    child = await bundleChildScript(`
      import Database from 'better-sqlite3';
      const [file, imageId] = process.argv.slice(2);
      const db = new Database(file);
      db.prepare('BEGIN IMMEDIATE').run();
      db.prepare('UPDATE image SET locked = 1 WHERE id = ?').run(Number(imageId));
      process.stdout.write('holding\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
      db.prepare('COMMIT').run();
      db.close();
    `);
  });
  afterAll(() => child?.dispose());

  /** Start the child and resolve once it holds the write lock; `done` resolves when it exits. */
  async function lockImageInAnotherProcess(dir: string, imageId: number): Promise<{ done: Promise<number> }> {
    const proc = spawn(process.execPath, [child.file, path.join(dir, 'study.sqlite'), String(imageId)], {
      env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    });
    const done = new Promise<number>((resolve) => proc.on('exit', (code) => resolve(code ?? -1)));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('holding')) resolve();
      });
      proc.on('exit', () => reject(new Error('the child exited before holding the lock')));
    });
    return { done };
  }

  it('an autosave waits for the other writer and then sees the lock: LOCKED, nothing saved', async () => {
    const { services, dir, images, classes } = await studyWithImages(tempDir(), [{ width: 64, height: 48 }]);
    open.push(services);
    const imageId = images[0]!.id;
    const { done } = await lockImageInAnotherProcess(dir, imageId);
    const shape = polygonShape(rectangle(4, 4, 30, 30), classes.roi);
    const result = await dispatch(services, 'saveAnnotationChanges', { imageId, put: [shape], remove: [] });
    expect(await done).toBe(0);
    expect(codeOf(result)).toBe('LOCKED');
    const stored = await services.getImageAnnotations({ imageId });
    expect(stored).toMatchObject({ locked: true, annotations: [] });
  });

  it('a calibration change likewise', async () => {
    const { services, dir, images } = await studyWithImages(tempDir(), [{ width: 64, height: 48 }]);
    open.push(services);
    const imageId = images[0]!.id;
    const { done } = await lockImageInAnotherProcess(dir, imageId);
    const result = await dispatch(services, 'setCalibration', { imageId, umPerPx: 0.5, source: 'typed' });
    expect(await done).toBe(0);
    expect(codeOf(result)).toBe('LOCKED');
    const view = await services.getStudy({});
    expect(view?.subjects[0]?.timepoints[0]?.images[0]).toMatchObject({ locked: true, umPerPx: null });
  });
});
