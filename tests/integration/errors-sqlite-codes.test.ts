import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServices, type Services } from '../../main/services';
import { toApiError } from '../../main/services/errors';
import { call, polygonShape, rectangle, studyWithImages } from '../helpers/annotation-study';
import { useTempDirs } from '../helpers/temp-dir';

// better-sqlite3 reports SQLite's extended result codes. Each case provokes the real failure in a real
// SQLite file and checks the user-facing error it becomes.
const tempDir = useTempDirs('dq-sqlite-errors-');
const open: Services[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const services of open.splice(0)) services.close();
});

/** The error a statement throws (the test fails if it does not throw). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

function rawDatabase(journalMode: 'WAL' | 'DELETE'): { db: Database.Database; file: string } {
  const file = path.join(tempDir(), 'raw.sqlite');
  const db = new Database(file);
  db.pragma(`journal_mode = ${journalMode}`);
  db.exec('CREATE TABLE t (x TEXT) STRICT');
  return { db, file };
}

describe('extended SQLite codes map to the specific user errors', () => {
  it('SQLITE_FULL (the database cannot grow) -> DISK_FULL', () => {
    const { db } = rawDatabase('WAL');
    db.pragma('max_page_count = 4');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const err = thrownBy(() => {
      for (let i = 0; i < 100; i++) insert.run('x'.repeat(4000));
    });
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_FULL');
    expect(toApiError(err).code).toBe('DISK_FULL');
  });

  it('SQLITE_READONLY_DBMOVED (the file was moved away while open) -> STUDY_READ_ONLY', () => {
    const { db, file } = rawDatabase('DELETE');
    fs.renameSync(file, `${file}.moved`);
    const err = thrownBy(() => db.prepare('INSERT INTO t VALUES (?)').run('x'));
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_READONLY_DBMOVED');
    const error = toApiError(err);
    expect(error.code).toBe('STUDY_READ_ONLY');
    expect(error.message).toMatch(/cannot be written/);
  });

  it('SQLITE_NOTADB (a file that is not a database) -> STUDY_CORRUPT', () => {
    const file = path.join(tempDir(), 'garbage.sqlite');
    fs.writeFileSync(file, Buffer.alloc(4096, 0x5a));
    const db = new Database(file);
    const err = thrownBy(() => db.prepare('SELECT * FROM sqlite_schema').all());
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_NOTADB');
    expect(toApiError(err).code).toBe('STUDY_CORRUPT');
  });

  it.each([
    ['SQLITE_IOERR_WRITE', 'DISK_FULL'],
    ['SQLITE_IOERR_FSYNC', 'DISK_FULL'],
    ['SQLITE_IOERR_DIR_FSYNC', 'DISK_FULL'],
    ['SQLITE_FULL', 'DISK_FULL'],
    ['ENOSPC', 'DISK_FULL'],
    ['EDQUOT', 'DISK_FULL'],
    ['EFBIG', 'DISK_FULL'],
    ['SQLITE_READONLY', 'STUDY_READ_ONLY'],
    ['SQLITE_READONLY_RECOVERY', 'STUDY_READ_ONLY'],
    ['SQLITE_READONLY_CANTINIT', 'STUDY_READ_ONLY'],
    ['SQLITE_READONLY_DIRECTORY', 'STUDY_READ_ONLY'],
    ['EROFS', 'STUDY_READ_ONLY'],
    ['SQLITE_CORRUPT', 'STUDY_CORRUPT'],
    ['SQLITE_CORRUPT_VTAB', 'STUDY_CORRUPT'],
    ['SQLITE_CORRUPT_SEQUENCE', 'STUDY_CORRUPT'],
    ['SQLITE_NOTADB', 'STUDY_CORRUPT'],
    // Not members of those families, despite the shared prefix letters.
    ['SQLITE_FULLNESS', 'INTERNAL'],
    ['SQLITE_IOERR_READ', 'INTERNAL'],
  ])('%s -> %s (codes SQLite can only report on a failing disk)', (code, expected) => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const err = Object.assign(new Error(`disk trouble in /home/someone/study/study.sqlite`), { code });
    const error = toApiError(err);
    expect(error.code).toBe(expected);
    expect(error.message).not.toContain('/home/someone');
  });
});

describe('through the services', () => {
  it('a damaged index (SQLITE_CORRUPT_INDEX) answers STUDY_CORRUPT, not an internal error', async () => {
    const root = tempDir();
    const { services, dir, images, classes } = await studyWithImages(root, [{ width: 64, height: 48 }]);
    const image = images[0]!;
    const shape = polygonShape(rectangle(4, 4, 30, 30), classes.stained);
    expect(
      (await call(services, 'saveAnnotationChanges', { imageId: image.id, put: [shape], remove: [] })).ok,
    ).toBe(true);
    services.close();
    // Damage the schema the way a bad sector or a careless tool would: the index now claims to be on
    // another column, so its entries no longer match the rows.
    const file = path.join(dir, 'study.sqlite');
    const bytes = fs.readFileSync(file);
    // Every copy: freed space can hold a stale one beside the live schema row.
    let patched = 0;
    for (
      let at = bytes.indexOf('ON annotation (image_id)');
      at >= 0;
      at = bytes.indexOf('ON annotation (image_id)', at + 1)
    ) {
      bytes.write('ON annotation (class_id)', at);
      patched++;
    }
    expect(patched).toBeGreaterThan(0);
    fs.writeFileSync(file, bytes);

    const reopened = createServices({ studyDir: dir });
    open.push(reopened);
    const result = await call(reopened, 'saveAnnotationChanges', {
      imageId: image.id,
      put: [],
      remove: [shape.id],
    });
    expect(result.ok ? 'ok' : result.error.code).toBe('STUDY_CORRUPT');
    expect(result.ok ? '' : result.error.message).toMatch(/damaged.*backup/);
  });

  it('an unexpected failure gets a fixed message without SQL or paths; the full error goes to stderr', async () => {
    const dir = path.join(tempDir(), 'study');
    const services = createServices({ studyDir: dir });
    open.push(services);
    await services.createStudy({ name: 'Pilot' });
    // Another program removes a table behind DermaQuant's back.
    const other = new Database(path.join(dir, 'study.sqlite'));
    other.pragma('foreign_keys = OFF');
    other.exec('DROP TABLE subject');
    other.close();

    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await call(services, 'addSubject', { code: 'P01' });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error.code).toBe('INTERNAL');
    expect(result.error.message).not.toMatch(/subject|SELECT|no such table/i);
    expect(result.error.message).not.toContain(dir);
    const reference = String(result.error.detail?.reference);
    expect(result.error.message).toContain(reference);
    expect(log).toHaveBeenCalledOnce();
    const [line, logged] = log.mock.calls[0] as [string, Error];
    expect(line).toContain('addSubject');
    expect(line).toContain(reference);
    expect(logged.message).toMatch(/no such table: subject/);
  });
});
