import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors';
import { applyMigrations, schemaVersion } from './migrate';
import { MIGRATIONS, type Migration } from './migrations';
import { isSqliteFamily, sqliteCode } from './sqlite-errors';
import { BACKUPS_DIR, studyDbPath, STUDY_DB_FILE } from './study-files';
import { studySubfolder } from './study-paths';

/** PRAGMA application_id of a DermaQuant study ('DQst'): tells our databases from any other SQLite file. */
export const STUDY_APPLICATION_ID = 0x44517374;

export interface DatabaseOptions {
  /** Path of a better-sqlite3 native build (the Electron shell passes one made for Electron's ABI). */
  nativeBinding?: string;
  /** The schema steps; tests pass a longer list to exercise the upgrade path. */
  migrations?: readonly Migration[];
}

/**
 * Settings for a database file that may come from anyone, applied before its schema is first read
 * (SQLite's advice for untrusted databases): the schema may not call functions or virtual tables that
 * could have side effects or reveal anything (a view or trigger planted in a study file), damaged
 * pages are detected early, and the file is read, never memory-mapped.
 */
export function applyUntrustedFilePragmas(db: Database.Database): void {
  db.pragma('trusted_schema = OFF');
  db.pragma('cell_size_check = ON');
  db.pragma('mmap_size = 0');
}

/** Durability and integrity settings applied to every connection that may write. */
function applyConnectionPragmas(db: Database.Database, readOnly: boolean): void {
  if (!readOnly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

function connect(file: string, readOnly: boolean, options: DatabaseOptions): Database.Database {
  return new Database(file, {
    readonly: readOnly,
    fileMustExist: true,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
}

/**
 * Open the study database in `dir`, refusing anything that is not a DermaQuant study or that a newer
 * DermaQuant wrote, and migrating an older study after backing it up. A read-only study is opened
 * read-only and never migrated.
 */
export async function openStudyDatabase(
  dir: string,
  readOnly: boolean,
  options: DatabaseOptions = {},
): Promise<Database.Database> {
  const migrations = options.migrations ?? MIGRATIONS;
  const file = studyDbPath(dir);
  if (!fs.existsSync(file)) {
    throw new UserError(
      'NOT_A_STUDY',
      `${dir} is not a DermaQuant study: it has no ${STUDY_DB_FILE}. Choose a study folder, or create a new study.`,
      { file: dir },
    );
  }
  let db: Database.Database;
  try {
    db = connect(file, readOnly, options);
  } catch (err) {
    throw classifyOpenError(err, file);
  }
  try {
    applyUntrustedFilePragmas(db);
    const version = checkIdentity(db, file, migrations.length);
    applyConnectionPragmas(db, readOnly);
    if (version < migrations.length) {
      if (readOnly) {
        throw new UserError(
          'STUDY_READ_ONLY',
          `The study ${dir} needs an upgrade (schema version ${version} to ${migrations.length}) but it is read-only. Copy it to a writable folder and open the copy.`,
          { file: dir },
        );
      }
      await backupBeforeMigrating(db, dir, version);
      applyMigrations(db, migrations);
    }
    return db;
  } catch (err) {
    db.close();
    throw err instanceof UserError ? err : classifyOpenError(err, file);
  }
}

/** Checks that `db` is a DermaQuant study this version can read; returns its schema version. */
function checkIdentity(db: Database.Database, file: string, latest: number): number {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId !== STUDY_APPLICATION_ID) {
    throw new UserError(
      'NOT_A_STUDY',
      `${file} is an SQLite database but not a DermaQuant study. Choose a study folder, or create a new study.`,
      { file },
    );
  }
  const version = schemaVersion(db);
  if (version > latest) {
    throw new UserError(
      'STUDY_TOO_NEW',
      `The study ${path.dirname(file)} was written by a newer DermaQuant (schema version ${version}; this version reads up to ${latest}). Update DermaQuant to open it.`,
      { file, schemaVersion: version, supportedVersion: latest },
    );
  }
  return version;
}

function classifyOpenError(err: unknown, file: string): unknown {
  const code = sqliteCode(err);
  if (isSqliteFamily(code, 'SQLITE_NOTADB')) {
    return new UserError(
      'NOT_A_STUDY',
      `${file} is not a DermaQuant study database (not an SQLite file). Choose a study folder, or create a new study.`,
      { file },
    );
  }
  if (isSqliteFamily(code, 'SQLITE_CANTOPEN') && fs.existsSync(`${file}-wal`)) {
    return new UserError(
      'STUDY_READ_ONLY',
      `The study ${path.dirname(file)} is read-only and was not closed cleanly (${STUDY_DB_FILE}-wal is present), so it cannot be opened here. Copy the study folder to a writable place and open the copy.`,
      { file },
    );
  }
  if (isSqliteFamily(code, 'SQLITE_CORRUPT')) {
    return new UserError(
      'STUDY_CORRUPT',
      `The study database ${file} is damaged. Restore it from a backup.`,
      {
        file,
      },
    );
  }
  return err;
}

/**
 * Close a study database. A writable connection first leaves WAL mode (which checkpoints the WAL into
 * the main file): a closed study is then one self-contained study.sqlite, which can be copied, archived
 * or opened read-only from a read-only folder (SQLite cannot open a WAL database read-only when it
 * cannot create the -shm file). If another process still has the study open, the switch is refused
 * and the database simply stays in WAL mode.
 */
export function closeStudyDatabase(db: Database.Database): void {
  if (!db.open) return;
  if (!db.readonly) {
    try {
      // Do not wait for other connections: if one is open the switch is simply skipped.
      db.pragma('busy_timeout = 0');
      db.pragma('journal_mode = DELETE');
    } catch {
      // Busy: another connection is open. WAL mode is still correct, only less portable.
    }
  }
  db.close();
}

/** A consistent copy of the database (SQLite's online backup) in backups/, taken before any migration. */
async function backupBeforeMigrating(db: Database.Database, dir: string, version: number): Promise<string> {
  const folder = await studySubfolder(dir, BACKUPS_DIR);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = path.join(folder, `study-schema-v${version}-${stamp}.sqlite`);
  await db.backup(target);
  return target;
}
