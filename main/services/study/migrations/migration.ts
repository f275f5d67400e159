import type { Database } from 'better-sqlite3';

/**
 * One schema step. `version` is the PRAGMA user_version the database has after `up` ran; steps are
 * numbered from 1 without gaps, one file per version (001-..., 002-...), and never edited once shipped.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
  /**
   * The step rebuilds a table others reference (SQLite changes a constraint only that way): the runner
   * turns foreign keys off around it (impossible inside a transaction) and checks them before committing.
   */
  rebuildsTables?: boolean;
}
