import type { Database } from 'better-sqlite3';
import { fromJson, toJson } from './json-columns';

export type AnnotationKind = 'polygon' | 'rectangle' | 'ellipse' | 'freehand' | 'mask' | 'point' | 'polyline';

/**
 * A shape or mask on an image, in full-resolution image pixels; `geometry` is its JSON form
 * (shared/annotations/types.ts). `key` is the editor's stable id for it (a client-made UUID).
 */
export interface StoredAnnotation {
  key: string;
  imageId: number;
  classId: number;
  kind: AnnotationKind;
  geometry: unknown;
  name: string;
  createdAt: string;
  updatedAt: string;
}

type AnnotationRow = Omit<StoredAnnotation, 'geometry'> & { geometry: string };

const COLUMNS = `key, image_id AS imageId, class_id AS classId, kind, geometry, name,
  created_at AS createdAt, updated_at AS updatedAt`;
const fromRow = (row: AnnotationRow): StoredAnnotation => ({ ...row, geometry: fromJson(row.geometry) });

export class AnnotationRepository {
  constructor(private readonly db: Database) {}

  listForImage(imageId: number): StoredAnnotation[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM annotation WHERE image_id = ? ORDER BY id`)
      .all(imageId) as AnnotationRow[];
    return rows.map(fromRow);
  }

  get(key: string): StoredAnnotation | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM annotation WHERE key = ?`).get(key) as
      AnnotationRow | undefined;
    return row && fromRow(row);
  }

  /**
   * Insert the annotation, or replace the class, kind, geometry and name of the one with this key (on
   * the same image: a key never moves between images). Keeps the original creation time.
   */
  upsert(annotation: Omit<StoredAnnotation, 'createdAt' | 'updatedAt'>, now: string): void {
    const info = this.db
      .prepare(
        `INSERT INTO annotation (key, image_id, class_id, kind, geometry, name, created_at, updated_at)
         VALUES (@key, @imageId, @classId, @kind, @geometry, @name, @now, @now)
         ON CONFLICT (key) DO UPDATE SET class_id = excluded.class_id, kind = excluded.kind,
           geometry = excluded.geometry, name = excluded.name, updated_at = excluded.updated_at
         WHERE annotation.image_id = excluded.image_id`,
      )
      .run({ ...annotation, geometry: toJson(annotation.geometry), now });
    if (info.changes === 0) {
      throw new Error(`Annotation ${annotation.key} belongs to another image.`);
    }
  }

  delete(imageId: number, key: string): boolean {
    return (
      this.db.prepare('DELETE FROM annotation WHERE image_id = ? AND key = ?').run(imageId, key).changes > 0
    );
  }
}
