import type { Database } from 'better-sqlite3';
import { fromJson, toJson } from './json-columns';

/** The study's one analysis protocol (row id 1), applied to every image; locked once analysis starts. */
export interface StoredProtocol {
  params: unknown;
  locked: boolean;
  updatedAt: string;
  /** Raised by each save of the parameters (not by locking or unlocking). */
  revision: number;
}

export class ProtocolRepository {
  constructor(private readonly db: Database) {}

  get(): StoredProtocol | undefined {
    const row = this.db
      .prepare('SELECT params, locked, updated_at AS updatedAt, revision FROM protocol WHERE id = 1')
      .get() as { params: string; locked: number; updatedAt: string; revision: number } | undefined;
    return (
      row && {
        params: fromJson(row.params),
        locked: row.locked === 1,
        updatedAt: row.updatedAt,
        revision: row.revision,
      }
    );
  }

  /** Create or replace the protocol's parameters, raising its revision (the caller checks the lock). */
  save(params: unknown, updatedAt: string): void {
    this.db
      .prepare(
        `INSERT INTO protocol (id, params, updated_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at,
           revision = protocol.revision + 1`,
      )
      .run(toJson(params), updatedAt);
  }

  setLocked(locked: boolean, updatedAt: string): void {
    this.db
      .prepare('UPDATE protocol SET locked = ?, updated_at = ? WHERE id = 1')
      .run(locked ? 1 : 0, updatedAt);
  }
}
