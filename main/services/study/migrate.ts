import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations';

/** The schema version stored in the database header (0 for a database no migration has touched). */
export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Run every migration above the database's version, each in its own transaction together with the
 * user_version bump, so a failure leaves the database at the last complete version.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[]): number {
  assertConsecutive(migrations);
  let version = schemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      migration.up(db);
      // PRAGMA does not accept bound parameters; the value is an integer from our own list.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    })();
    version = migration.version;
  }
  return version;
}

function assertConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration list is broken: position ${index + 1} holds version ${migration.version}.`);
    }
  });
}
