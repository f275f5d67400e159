import type { Database } from 'better-sqlite3';
import { fromJson, toJson } from './json-columns';

export type AnnotationKind = 'polygon' | 'rectangle' | 'ellipse' | 'freehand' | 'mask' | 'point' | 'polyline';

/** A shape or mask on an image, in full-resolution image pixels; `geometry` is its JSON form. */
export interface StoredAnnotation {
  id: number;
  imageId: number;
  classId: number;
  kind: AnnotationKind;
  geometry: unknown;
  name: string | null;
  createdAt: string;
  updatedAt: string;
}

type AnnotationRow = Omit<StoredAnnotation, 'geometry'> & { geometry: string };

const COLUMNS = `id, image_id AS imageId, class_id AS classId, kind, geometry, name,
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

  get(id: number): StoredAnnotation | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM annotation WHERE id = ?`).get(id) as
      AnnotationRow | undefined;
    return row && fromRow(row);
  }

  insert(annotation: Omit<StoredAnnotation, 'id' | 'updatedAt'>): StoredAnnotation {
    const info = this.db
      .prepare(
        `INSERT INTO annotation (image_id, class_id, kind, geometry, name, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        annotation.imageId,
        annotation.classId,
        annotation.kind,
        toJson(annotation.geometry),
        annotation.name,
        annotation.createdAt,
        annotation.createdAt,
      );
    return this.get(Number(info.lastInsertRowid)) as StoredAnnotation;
  }

  update(
    id: number,
    changes: { classId: number; geometry: unknown; name: string | null },
    updatedAt: string,
  ): void {
    this.db
      .prepare('UPDATE annotation SET class_id = ?, geometry = ?, name = ?, updated_at = ? WHERE id = ?')
      .run(changes.classId, toJson(changes.geometry), changes.name, updatedAt, id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM annotation WHERE id = ?').run(id);
  }
}
