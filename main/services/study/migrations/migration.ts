import type { Database } from 'better-sqlite3';

/**
 * One schema step. `version` is the PRAGMA user_version the database has after `up` ran; steps are
 * numbered from 1 without gaps, one file per version (001-..., 002-...), and never edited once shipped.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
