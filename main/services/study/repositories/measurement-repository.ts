import type { Database } from 'better-sqlite3';
import { fromJson, toJson } from './json-columns';

/**
 * One analysis result, with everything needed to reproduce it: the image's hash, the algorithm version
 * and the full parameters.
 */
export interface Measurement {
  id: number;
  imageId: number;
  imageSha256: string;
  algorithmVersion: string;
  params: unknown;
  result: unknown;
  createdAt: string;
}

type MeasurementRow = Omit<Measurement, 'params' | 'result'> & { params: string; result: string };

const COLUMNS = `id, image_id AS imageId, image_sha256 AS imageSha256, algorithm_version AS algorithmVersion,
  params, result, created_at AS createdAt`;

const fromRow = (row: MeasurementRow): Measurement => ({
  ...row,
  params: fromJson(row.params),
  result: fromJson(row.result),
});

/** Measurements are appended, never edited: a new analysis adds a row. */
export class MeasurementRepository {
  constructor(private readonly db: Database) {}

  insert(measurement: Omit<Measurement, 'id'>): Measurement {
    const info = this.db
      .prepare(
        `INSERT INTO measurement (image_id, image_sha256, algorithm_version, params, result, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        measurement.imageId,
        measurement.imageSha256,
        measurement.algorithmVersion,
        toJson(measurement.params),
        toJson(measurement.result),
        measurement.createdAt,
      );
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM measurement WHERE id = ?`).get(info.lastInsertRowid);
    return fromRow(row as MeasurementRow);
  }

  listForImage(imageId: number): Measurement[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM measurement WHERE image_id = ? ORDER BY created_at, id`)
      .all(imageId) as MeasurementRow[];
    return rows.map(fromRow);
  }

  latestForImage(imageId: number): Measurement | undefined {
    const row = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM measurement WHERE image_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
      )
      .get(imageId) as MeasurementRow | undefined;
    return row && fromRow(row);
  }
}
