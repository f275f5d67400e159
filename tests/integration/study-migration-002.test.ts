/**
 * Migration 002 on a study written at schema 1: the annotation_class table is rebuilt with the role
 * 'unstained' allowed and the built-in "Not stained" class seeded, keeping every class id, annotation
 * and foreign key, after a backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../main/services';
import { createStudyDatabase } from '../../main/services/study/create-database';
import { LATEST_SCHEMA_VERSION } from '../../main/services/study/migrations';
import { initialSchema } from '../../main/services/study/migrations/001-initial';
import { closeStudyDatabase, openStudyDatabase } from '../../main/services/study/open-database';
import { useTempDirs } from '../helpers/temp-dir';

const NOW = '2025-01-01T00:00:00.000Z';

/** A study as DermaQuant wrote it at schema 1, with a user class already named "Not stained". */
async function schemaOneStudy(dir: string): Promise<void> {
  const db = await createStudyDatabase(
    dir,
    { name: 'Old study', createdAt: NOW, appVersion: '0.1.0' },
    { migrations: [initialSchema] },
  );
  try {
    db.exec(`
      INSERT INTO subject (code, created_at) VALUES ('S01', '${NOW}');
      INSERT INTO timepoint (subject_id, label, created_at) VALUES (1, 'before', '${NOW}');
      INSERT INTO image (timepoint_id, sha256, file_name, stored_name, format, width, height, byte_size,
        bit_depth, channels, preview_width, preview_height, imported_at)
        VALUES (1, '${'a'.repeat(64)}', 'a.png', 'a.png', 'png', 10, 10, 1, 8, 3, 10, 10, '${NOW}');
      INSERT INTO annotation_class (name, colour, created_at) VALUES ('Not stained', '#123456', '${NOW}');
      INSERT INTO annotation (key, image_id, class_id, kind, geometry, created_at, updated_at)
        VALUES ('k-stained', 1, 3, 'polygon', '{}', '${NOW}', '${NOW}'),
               ('k-user', 1, 4, 'polygon', '{}', '${NOW}', '${NOW}');
    `);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  } finally {
    closeStudyDatabase(db);
  }
}

describe('migration 002: the built-in "Not stained" class', () => {
  const tempDir = useTempDirs();

  it('upgrades a schema-1 study: backup, role allowed, class seeded under a free name, ids and links kept', async () => {
    const dir = tempDir();
    await schemaOneStudy(dir);
    const services = createServices({ studyDir: dir });
    try {
      expect((await services.getStudy({}))?.study.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      const classes = await services.listAnnotationClasses({});
      expect(classes.map((c) => [c.id, c.name, c.role])).toEqual([
        [1, 'Region of interest', 'roi'],
        [2, 'Exclude', 'exclude'],
        [3, 'Stained collagen', 'stained'],
        [4, 'Not stained', null],
        [5, 'Not stained (built-in)', 'unstained'],
      ]);
    } finally {
      services.close();
    }
    const backups = fs.readdirSync(path.join(dir, 'backups'));
    expect(backups).toEqual([expect.stringMatching(/^study-schema-v1-.*\.sqlite$/)]);

    const db = await openStudyDatabase(dir, false);
    try {
      expect(db.prepare('SELECT key, class_id AS classId FROM annotation ORDER BY key').all()).toEqual([
        { key: 'k-stained', classId: 3 },
        { key: 'k-user', classId: 4 },
      ]);
      expect(db.prepare('SELECT built_in AS b FROM annotation_class WHERE id = 5').get()).toEqual({ b: 1 });
      // Foreign keys are on again and still point at the rebuilt table.
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(() => db.prepare('DELETE FROM annotation_class WHERE id = 3').run()).toThrow(/FOREIGN KEY/);
      expect(() =>
        db
          .prepare(
            `INSERT INTO annotation (key, image_id, class_id, kind, geometry, created_at, updated_at)
             VALUES ('k-x', 1, 99, 'polygon', '{}', 'now', 'now')`,
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      // The rebuilt table keeps its constraints: STRICT, the role CHECK and names unique ignoring case.
      const insert = db.prepare(
        'INSERT INTO annotation_class (name, colour, role, created_at) VALUES (?, ?, ?, ?)',
      );
      expect(() => insert.run('Other', '#000000', 'bogus', NOW)).toThrow(/CHECK/);
      expect(() => insert.run('not STAINED', '#000000', null, NOW)).toThrow(/UNIQUE/);
      expect(
        db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'annotation_class'").get(),
      ).toEqual({ strict: 1 });
    } finally {
      closeStudyDatabase(db);
    }
    // The backup is the study as it was.
    const backup = new Database(path.join(dir, 'backups', backups[0]!), { readonly: true });
    try {
      expect(backup.pragma('user_version', { simple: true })).toBe(1);
      expect(backup.prepare('SELECT count(*) AS n FROM annotation_class').get()).toEqual({ n: 4 });
    } finally {
      backup.close();
    }
  });
});
