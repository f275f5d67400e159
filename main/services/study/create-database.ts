import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors';
import { fsyncPath } from '../images/stored-files';
import { applyMigrations } from './migrate';
import { MIGRATIONS } from './migrations';
import {
  applyUntrustedFilePragmas,
  openStudyDatabase,
  STUDY_APPLICATION_ID,
  type DatabaseOptions,
} from './open-database';
import { studyDbPath } from './study-files';

/** A study database being built; the dot keeps it out of listings and out of the empty-folder check. */
const BUILDING_PREFIX = '.study-being-created-';
const BUILDING_NAME = /^\.study-being-created-[A-Za-z0-9_-]+\.sqlite(-journal)?$/;
/** A build takes milliseconds: one older than this was left by a crash (or a power cut). */
const ABANDONED_AFTER_MS = 60_000;

export interface NewStudy {
  name: string;
  createdAt: string;
  appVersion: string;
}

const studyExists = (dir: string) =>
  new UserError('STUDY_EXISTS', `There is already a study in ${dir}: open it instead.`, { file: dir });

/**
 * Create a new study database in `dir` (which must not hold one) and open it. The database is built
 * under a temporary name (rollback journal, so it is one self-contained file), its schema and study row
 * written in one transaction, then flushed and moved into place under its real name. A crash at any
 * point leaves either no study.sqlite at all, so the folder can simply be used again, or a complete one.
 */
export async function createStudyDatabase(
  dir: string,
  study: NewStudy,
  options: DatabaseOptions = {},
): Promise<Database.Database> {
  await removeAbandonedBuilds(dir);
  const temp = path.join(dir, `${BUILDING_PREFIX}${randomBytes(9).toString('base64url')}.sqlite`);
  try {
    buildDatabase(temp, study, options);
    await fsyncPath(temp, 'r+');
    await moveIntoPlace(temp, dir);
    await fsyncPath(dir, 'r').catch(() => undefined); // not every platform can fsync a folder
  } catch (err) {
    for (const suffix of ['', '-journal']) fs.rmSync(temp + suffix, { force: true });
    throw err;
  }
  return openStudyDatabase(dir, false, options);
}

function buildDatabase(file: string, study: NewStudy, options: DatabaseOptions): void {
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    applyUntrustedFilePragmas(db);
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.transaction(() => {
      db.pragma(`application_id = ${STUDY_APPLICATION_ID}`);
      applyMigrations(db, options.migrations ?? MIGRATIONS);
      db.prepare(
        'INSERT INTO study (id, name, created_at, created_by_version) VALUES (1, @name, @createdAt, @appVersion)',
      ).run(study);
    })();
  } finally {
    db.close();
  }
}

/** Errors of link() on file systems without hard links (FAT, exFAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Give the built file its real name without ever replacing a study.sqlite another process created
 * meanwhile: link() refuses an existing name, where rename() would silently replace it.
 */
async function moveIntoPlace(temp: string, dir: string): Promise<void> {
  const file = studyDbPath(dir);
  try {
    await fsp.link(temp, file);
    await fsp.rm(temp);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw studyExists(dir);
    if (!NO_HARD_LINKS.has(code)) throw err;
    if (fs.existsSync(file)) throw studyExists(dir);
    await fsp.rename(temp, file);
  }
}

/** Remove what an interrupted creation left (never a finished study: that is study.sqlite). */
async function removeAbandonedBuilds(dir: string): Promise<void> {
  const cutoff = Date.now() - ABANDONED_AFTER_MS;
  for (const entry of await fsp.readdir(dir).catch(() => [] as string[])) {
    if (!BUILDING_NAME.test(entry)) continue;
    const file = path.join(dir, entry);
    const stat = await fsp.lstat(file).catch(() => null);
    if (stat?.isFile() && stat.mtimeMs < cutoff) await fsp.rm(file, { force: true });
  }
}
