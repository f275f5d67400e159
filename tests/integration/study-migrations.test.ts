import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { UserError } from '../../main/services/errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../main/services/study/migrations';
import {
  closeStudyDatabase,
  openStudyDatabase,
  STUDY_APPLICATION_ID,
} from '../../main/services/study/open-database';
import { useTempDirs } from '../helpers/temp-dir';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function makeStudy(dir: string): Promise<void> {
  const services = createServices({ studyDir: dir });
  await services.createStudy({ name: 'Migration test' });
  const subject = await services.addSubject({ code: 'S-001' });
  await services.addTimepoint({ subjectId: subject.id, label: 'before', session: 0, date: '2024-03-01' });
  services.close();
}

/** A second schema step, as a future version would ship it. */
const addSexColumn: Migration = {
  version: LATEST_SCHEMA_VERSION + 1,
  name: 'test: subject sex',
  up: (db) => db.exec("ALTER TABLE subject ADD COLUMN sex TEXT NOT NULL DEFAULT 'unknown'"),
};

async function expectUserError(promise: Promise<unknown>, code: string): Promise<UserError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as UserError).code).toBe(code);
  return err as UserError;
}

describe('study database: creation and settings', () => {
  const tempDir = useTempDirs();

  it('numbers the migrations 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_m, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('creates a study with WAL, synchronous=FULL, foreign keys, STRICT tables and the latest version', async () => {
    const dir = path.join(tempDir(), 'new-study');
    await makeStudy(dir);
    expect(fs.existsSync(path.join(dir, 'images'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'cache'))).toBe(true);
    const db = await openStudyDatabase(dir, false);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(db.pragma('application_id', { simple: true })).toBe(STUDY_APPLICATION_ID);
      const tables = db
        .prepare(
          "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
        )
        .all() as { name: string; strict: number }[];
      expect(tables.map((t) => t.name).sort()).toEqual([
        'annotation',
        'annotation_class',
        'audit_event',
        'image',
        'measurement',
        'protocol',
        'stain_preset',
        'study',
        'subject',
        'timepoint',
      ]);
      for (const table of tables) expect(table.strict, table.name).toBe(1);
      const classes = db.prepare('SELECT name, role FROM annotation_class ORDER BY id').all();
      expect(classes).toEqual([
        { name: 'Region of interest', role: 'roi' },
        { name: 'Exclude', role: 'exclude' },
        { name: 'Stained collagen', role: 'stained' },
        { name: 'Not stained', role: 'unstained' },
      ]);
      // Foreign keys are enforced: a timepoint of a subject that does not exist is refused.
      expect(() =>
        db.prepare("INSERT INTO timepoint (subject_id, label, created_at) VALUES (999, 'x', 'now')").run(),
      ).toThrow(/FOREIGN KEY/);
      // STRICT: a text in an INTEGER column is refused rather than silently stored as text.
      expect(() =>
        db
          .prepare(
            "INSERT INTO timepoint (subject_id, label, session, created_at) VALUES (1, 'x', 'abc', 'now')",
          )
          .run(),
      ).toThrow(/cannot store TEXT value in INTEGER column/);
    } finally {
      closeStudyDatabase(db);
    }
  });

  it('closes at once while another connection keeps the study open (WAL kept then)', async () => {
    const dir = tempDir();
    await makeStudy(dir);
    const other = await openStudyDatabase(dir, false);
    const services = createServices({ studyDir: dir });
    await services.addSubject({ code: 'S-002' });
    const started = Date.now();
    services.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(other.prepare('SELECT count(*) AS n FROM subject').get()).toEqual({ n: 2 });
    closeStudyDatabase(other);
    expect(fs.existsSync(path.join(dir, 'study.sqlite-wal'))).toBe(false);
  });

  it('leaves a closed study as a single file (no -wal or -shm)', async () => {
    const dir = tempDir();
    await makeStudy(dir);
    expect(fs.existsSync(path.join(dir, 'study.sqlite-wal'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'study.sqlite-shm'))).toBe(false);
  });
});

describe('study database: upgrading an older study', () => {
  const tempDir = useTempDirs();

  it('backs the study up before migrating, then migrates keeping every row', async () => {
    const dir = tempDir();
    await makeStudy(dir);
    const before = sha256(path.join(dir, 'study.sqlite'));
    const db = await openStudyDatabase(dir, false, { migrations: [...MIGRATIONS, addSexColumn] });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
      expect(db.prepare('SELECT code, sex FROM subject').all()).toEqual([{ code: 'S-001', sex: 'unknown' }]);
    } finally {
      closeStudyDatabase(db);
    }
    const backups = fs.readdirSync(path.join(dir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(new RegExp(`^study-schema-v${LATEST_SCHEMA_VERSION}-.*\\.sqlite$`));
    const backup = new Database(path.join(dir, 'backups', backups[0] as string), { readonly: true });
    try {
      expect(backup.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(backup.prepare('SELECT code FROM subject').all()).toEqual([{ code: 'S-001' }]);
      expect(
        backup.prepare("SELECT count(*) AS n FROM pragma_table_info('subject') WHERE name = 'sex'").get(),
      ).toEqual({ n: 0 });
    } finally {
      backup.close();
    }
    expect(before).not.toBe(sha256(path.join(dir, 'study.sqlite')));
  });

  it('rolls a failing migration back, leaving the study at its previous version with its data', async () => {
    const dir = tempDir();
    await makeStudy(dir);
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'test: fails half-way',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        throw new Error('migration failed on purpose');
      },
    };
    await expect(openStudyDatabase(dir, false, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(
      'migration failed on purpose',
    );
    const db = await openStudyDatabase(dir, false);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({
        n: 0,
      });
      expect(db.prepare('SELECT code FROM subject').all()).toEqual([{ code: 'S-001' }]);
    } finally {
      closeStudyDatabase(db);
    }
  });
});

describe('study database: refusals', () => {
  const tempDir = useTempDirs();

  it('refuses a study from a newer version with STUDY_TOO_NEW naming both versions, changing nothing', async () => {
    const dir = tempDir();
    await makeStudy(dir);
    const raw = new Database(path.join(dir, 'study.sqlite'));
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha256(path.join(dir, 'study.sqlite'));
    const services = createServices({ studyDir: null });
    const err = await expectUserError(services.openStudy(dir), 'STUDY_TOO_NEW');
    expect(err.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 5}`);
    expect(err.message).toContain(`reads up to ${LATEST_SCHEMA_VERSION}`);
    expect(err.message).toContain('Update DermaQuant');
    // A services object started on that folder refuses the same way.
    const started = createServices({ studyDir: dir });
    await expectUserError(started.getStudy({}), 'STUDY_TOO_NEW');
    expect(sha256(path.join(dir, 'study.sqlite'))).toBe(before);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(false);
  });

  it('refuses a folder without study.sqlite as NOT_A_STUDY, and getStudy is null there', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const services = createServices({ studyDir: dir });
    expect(await services.getStudy({})).toBeNull();
    const err = await expectUserError(services.openStudy(dir), 'NOT_A_STUDY');
    expect(err.message).toContain(dir);
    expect(err.message).toContain('study.sqlite');
    // Creating a study there is refused too: the folder is not empty.
    await expectUserError(services.createStudy({ name: 'x' }), 'CONFLICT');
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a study.sqlite that is not SQLite, leaving it untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'study.sqlite');
    fs.writeFileSync(file, 'this is a text file, not a database\n'.repeat(200));
    const before = sha256(file);
    const services = createServices({ studyDir: null });
    const err = await expectUserError(services.openStudy(dir), 'NOT_A_STUDY');
    expect(err.message).toContain(file);
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['study.sqlite']);
  });

  it('refuses an SQLite database that is not a DermaQuant study', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'study.sqlite');
    const other = new Database(file);
    other.exec('CREATE TABLE recipes (name TEXT)');
    other.close();
    const before = sha256(file);
    const services = createServices({ studyDir: null });
    const err = await expectUserError(services.openStudy(dir), 'NOT_A_STUDY');
    expect(err.message).toContain('not a DermaQuant study');
    expect(sha256(file)).toBe(before);
  });

  it('refuses to create a study where one exists (STUDY_EXISTS) and keeps the existing one', async () => {
    const dir = tempDir();
    await makeStudy(dir);
    const before = sha256(path.join(dir, 'study.sqlite'));
    const services = createServices({ studyDir: null });
    await expectUserError(services.createStudyAt(dir, 'Again'), 'STUDY_EXISTS');
    expect(sha256(path.join(dir, 'study.sqlite'))).toBe(before);
  });

  it('keeps the previously open study open when opening another folder fails', async () => {
    const good = tempDir();
    await makeStudy(good);
    const services = createServices({ studyDir: good });
    expect((await services.getStudy({}))?.study.name).toBe('Migration test');
    await expectUserError(services.openStudy(tempDir()), 'NOT_A_STUDY');
    expect((await services.getStudy({}))?.study.dir).toBe(good);
    services.close();
  });
});
