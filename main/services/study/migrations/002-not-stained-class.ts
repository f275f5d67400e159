import type { Database } from 'better-sqlite3';
import type { Migration } from './migration';

/** The built-in class whose marks the analysis counts as not stained (manual corrections, step 5). */
export const NOT_STAINED_CLASS = { name: 'Not stained', colour: '#a0a0a0', role: 'unstained' } as const;

/**
 * Adds the role 'unstained' and seeds the built-in "Not stained" class. SQLite cannot change a CHECK
 * constraint in place, so annotation_class is rebuilt (SQLite's documented 12-step procedure: new table,
 * copy, drop, rename; `rebuildsTables` has the runner switch foreign keys off around it and check them
 * before committing). Ids are kept, so every annotation keeps its class.
 */
export const notStainedClass: Migration = {
  version: 2,
  name: 'built-in class "Not stained" (role unstained)',
  rebuildsTables: true,
  up(db) {
    db.exec(`
      CREATE TABLE annotation_class_rebuilt (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        colour TEXT NOT NULL CHECK (colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
        role TEXT CHECK (role IN ('roi', 'exclude', 'stained', 'unstained')),
        built_in INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;
      INSERT INTO annotation_class_rebuilt (id, name, colour, role, built_in, created_at)
        SELECT id, name, colour, role, built_in, created_at FROM annotation_class;
      DROP TABLE annotation_class;
      ALTER TABLE annotation_class_rebuilt RENAME TO annotation_class;
    `);
    db.prepare(
      "INSERT INTO annotation_class (name, colour, role, built_in, created_at) VALUES (?, ?, 'unstained', 1, ?)",
    ).run(freeName(db, NOT_STAINED_CLASS.name), NOT_STAINED_CLASS.colour, new Date().toISOString());
  },
};

/** The name, or "name (built-in)", "name (built-in 2)"... when a user's class already has it. */
function freeName(db: Database, name: string): string {
  const taken = db.prepare('SELECT 1 FROM annotation_class WHERE name = ?');
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : n === 2 ? `${name} (built-in)` : `${name} (built-in ${n - 1})`;
    if (!taken.get(candidate)) return candidate;
  }
}
