import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { createStudyDatabase } from '../../main/services/study/create-database';
import { bundleChildScript, type ChildScript } from '../helpers/child-script';
import { hashTree, useTempDirs } from '../helpers/temp-dir';

// Creating a study is all or nothing: a process killed in the middle of it leaves a folder in which a
// study can be created (or chosen) again, never a half-made study.sqlite.
const tempDir = useTempDirs('dq-create-');
const open: Services[] = [];
afterEach(() => {
  for (const services of open.splice(0)) services.close();
});

/**
 * A child process that creates a study through the real StudySession, with one extra schema step that
 * kills the process (SIGKILL: no clean-up runs, as in a crash or power cut) after the real schema was
 * written.
 */
const CHILD_SOURCE = `
import { StudySession } from '@repo/main/services/study/study-session';
import { MIGRATIONS } from '@repo/main/services/study/migrations';
const crash = {
  version: MIGRATIONS.length + 1,
  name: 'crash',
  up: (db) => {
    db.exec('CREATE TABLE half_done (x INTEGER)');
    process.kill(process.pid, 'SIGKILL');
  },
};
const session = new StudySession(null, { migrations: [...MIGRATIONS, crash] }, 'test');
session.create(process.argv[2], 'Crashed', new Date().toISOString()).then(() => console.log('finished'));
`;

let child: ChildScript;
beforeAll(async () => {
  child = await bundleChildScript(CHILD_SOURCE);
});
afterAll(() => child.dispose());

function crashWhileCreating(dir: string): void {
  const result = child.run([dir]);
  expect(result.signal, result.stderr).toBe('SIGKILL');
  expect(result.stdout).not.toContain('finished');
}

describe('study creation survives a crash midway', () => {
  it('leaves no study.sqlite; the folder takes a new study, which opens normally', async () => {
    const dir = path.join(tempDir(), 'study');
    crashWhileCreating(dir);
    expect(fs.existsSync(path.join(dir, 'study.sqlite'))).toBe(false);
    // What the crash left is hidden (dot) files only, so the folder still counts as empty.
    expect(fs.readdirSync(dir).filter((name) => !name.startsWith('.'))).toEqual([]);

    const services = createServices({ studyDir: null });
    open.push(services);
    const view = await services.createStudyAt(dir, 'Second try');
    expect(view.study.name).toBe('Second try');
    services.close();

    const reopened = createServices({ studyDir: dir });
    open.push(reopened);
    const again = await reopened.getStudy({});
    expect(again?.study).toMatchObject({ name: 'Second try', readOnly: false });
    expect((await reopened.addSubject({ code: 'P01' })).code).toBe('P01');
    // The finished database carries nothing of the crashed build.
    const db = new Database(path.join(dir, 'study.sqlite'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").all();
    db.close();
    expect(tables).toEqual([]);
  });

  it('removes builds abandoned long ago, and leaves the study in WAL mode once created', async () => {
    const dir = path.join(tempDir(), 'study');
    crashWhileCreating(dir);
    const leftovers = fs.readdirSync(dir).filter((name) => name.startsWith('.study-being-created-'));
    expect(leftovers.length).toBeGreaterThan(0);
    const longAgo = new Date(Date.now() - 10 * 60 * 1000);
    for (const name of leftovers) fs.utimesSync(path.join(dir, name), longAgo, longAgo);

    const services = createServices({ studyDir: dir });
    open.push(services);
    await services.createStudy({ name: 'Clean' });
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.study-being-created-'))).toEqual([]);
    const db = new Database(path.join(dir, 'study.sqlite'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('never replaces or removes a study.sqlite that is already there', async () => {
    const dir = tempDir();
    const first = createServices({ studyDir: dir });
    await first.createStudy({ name: 'First' });
    await first.addSubject({ code: 'P01' });
    first.close();
    const before = hashTree(dir);
    // As when another process created the study between the folder check and the move into place.
    await expect(
      createStudyDatabase(dir, { name: 'Second', createdAt: new Date().toISOString(), appVersion: 'test' }),
    ).rejects.toMatchObject({ code: 'STUDY_EXISTS' });
    expect(hashTree(dir)).toEqual(before);
    const reopened = createServices({ studyDir: dir });
    open.push(reopened);
    expect((await reopened.getStudy({}))?.study.name).toBe('First');
  });
});
