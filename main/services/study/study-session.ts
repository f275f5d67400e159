import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { UserError } from '../errors';
import { createStudyDatabase } from './create-database';
import { closeStudyDatabase, openStudyDatabase, type DatabaseOptions } from './open-database';
import { schemaVersion } from './migrate';
import { createRepositories, type Repositories } from './repositories';
import { cachePath, imagesPath, studyDbPath, STUDY_DB_FILE } from './study-files';

/** A study that is open: its folder, connection and repositories. */
export interface OpenStudy {
  dir: string;
  db: Database;
  readOnly: boolean;
  schemaVersion: number;
  repos: Repositories;
}

function isWritable(target: string): boolean {
  try {
    fs.accessSync(target, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Holds the one open study of a services object. A study folder given at start-up is opened lazily
 * on first use (opening may migrate, which is asynchronous because it backs the database up first).
 */
export class StudySession {
  private folder: string | null;
  private opened: OpenStudy | null = null;
  private opening: Promise<OpenStudy> | null = null;
  /** Bumped whenever the open study is replaced or closed, so a slower lazy open can tell it lost. */
  private generation = 0;

  constructor(
    studyDir: string | null,
    private readonly dbOptions: DatabaseOptions,
    private readonly appVersion: string,
  ) {
    this.folder = studyDir === null ? null : path.resolve(studyDir);
  }

  dir(): string | null {
    return this.folder;
  }

  /** The open study, opening the start-up folder if it holds one; null when there is none yet. */
  async current(): Promise<OpenStudy | null> {
    if (this.opened) return this.opened;
    if (this.folder === null || !fs.existsSync(studyDbPath(this.folder))) return null;
    if (!this.opening) {
      const folder = this.folder;
      this.opening = this.openFolder(folder).finally(() => {
        this.opening = null;
      });
    }
    const generation = this.generation;
    const study = await this.opening;
    // Opening can take a while (a migration backs the database up first). If meanwhile another study
    // was opened or created, or the session closed, that one stands: this connection is closed again
    // rather than replacing it (or leaking).
    const standing = this.openedNow();
    if (generation !== this.generation || (standing !== null && standing !== study)) {
      if (standing?.db !== study.db) closeStudyDatabase(study.db);
      return standing;
    }
    this.opened = study;
    return study;
  }

  async require(): Promise<OpenStudy> {
    const study = await this.current();
    if (!study) {
      const where = this.folder ? ` in ${this.folder}` : '';
      throw new UserError('NO_STUDY', `No study is open${where}: create a study or open one first.`);
    }
    return study;
  }

  /** The open study, refusing with STUDY_READ_ONLY when it cannot be changed. */
  async requireWritable(): Promise<OpenStudy> {
    const study = await this.require();
    if (study.readOnly) {
      throw new UserError(
        'STUDY_READ_ONLY',
        `The study ${study.dir} is read-only (the folder or ${STUDY_DB_FILE} cannot be written): nothing was changed. Copy the study to a writable folder to change it.`,
        { file: study.dir },
      );
    }
    return study;
  }

  /** Open the study in `dir`; the previously open study stays open if this fails. */
  async open(dir: string): Promise<OpenStudy> {
    const study = await this.openFolder(path.resolve(dir));
    this.replace(study);
    return study;
  }

  /** Create a study in a new or empty folder and make it the open study. */
  async create(dir: string, name: string, createdAt: string): Promise<OpenStudy> {
    const folder = path.resolve(dir);
    if (fs.existsSync(studyDbPath(folder))) {
      throw new UserError('STUDY_EXISTS', `There is already a study in ${folder}: open it instead.`, {
        file: folder,
      });
    }
    if (fs.existsSync(folder)) {
      if (!fs.statSync(folder).isDirectory()) {
        throw new UserError(
          'CONFLICT',
          `${folder} is a file, not a folder: choose a folder for the new study.`,
          {
            file: folder,
          },
        );
      }
      const visible = fs.readdirSync(folder).filter((name) => !name.startsWith('.'));
      if (visible.length > 0) {
        throw new UserError(
          'CONFLICT',
          `${folder} is not empty and is not a study: choose a new or empty folder for the new study.`,
          { file: folder },
        );
      }
    }
    fs.mkdirSync(folder, { recursive: true });
    const db = await createStudyDatabase(
      folder,
      { name, createdAt, appVersion: this.appVersion },
      this.dbOptions,
    );
    fs.mkdirSync(imagesPath(folder), { recursive: true });
    fs.mkdirSync(cachePath(folder), { recursive: true });
    const study: OpenStudy = {
      dir: folder,
      db,
      readOnly: false,
      schemaVersion: schemaVersion(db),
      repos: createRepositories(db),
    };
    this.replace(study);
    return study;
  }

  /** The open study as it is now (a method, so the compiler does not carry a check across an await). */
  private openedNow(): OpenStudy | null {
    return this.opened;
  }

  close(): void {
    this.generation++;
    if (this.opened) closeStudyDatabase(this.opened.db);
    this.opened = null;
  }

  private replace(study: OpenStudy): void {
    this.generation++;
    if (this.opened && this.opened.db !== study.db) closeStudyDatabase(this.opened.db);
    this.opened = study;
    this.folder = study.dir;
  }

  private async openFolder(folder: string): Promise<OpenStudy> {
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new UserError('NOT_A_STUDY', `${folder} is not a folder: choose a study folder.`, {
        file: folder,
      });
    }
    const dbFile = studyDbPath(folder);
    const readOnly = fs.existsSync(dbFile) && (!isWritable(folder) || !isWritable(dbFile));
    const db = await openStudyDatabase(folder, readOnly, this.dbOptions);
    return { dir: folder, db, readOnly, schemaVersion: schemaVersion(db), repos: createRepositories(db) };
  }
}
