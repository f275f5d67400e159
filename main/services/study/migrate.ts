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
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    // A no-op inside an outer transaction (a new study is built in one), where no row refers to any other yet.
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        migration.up(db);
        if (migration.rebuildsTables) assertForeignKeys(db, migration);
        // PRAGMA does not accept bound parameters; the value is an integer from our own list.
        db.pragma(`user_version = ${Math.trunc(migration.version)}`);
      })();
    } finally {
      if (migration.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
    version = migration.version;
  }
  return version;
}

function assertForeignKeys(db: Database, migration: Migration): void {
  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) {
    throw new Error(
      `Migration ${migration.version} (${migration.name}) would leave ${broken.length} broken references.`,
    );
  }
}

function assertConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration list is broken: position ${index + 1} holds version ${migration.version}.`);
    }
  });
}
