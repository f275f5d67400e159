import type { Database } from 'better-sqlite3';
import { fromJson, toJson } from './json-columns';

/** A stain calibrated in this study (e.g. picrosirius red from a region of pure stain), by name. */
export interface StainPreset {
  id: number;
  name: string;
  vectors: unknown;
  createdAt: string;
  updatedAt: string;
}

type PresetRow = Omit<StainPreset, 'vectors'> & { vectors: string };

const COLUMNS = 'id, name, vectors, created_at AS createdAt, updated_at AS updatedAt';
const fromRow = (row: PresetRow): StainPreset => ({ ...row, vectors: fromJson(row.vectors) });

export class StainPresetRepository {
  constructor(private readonly db: Database) {}

  list(): StainPreset[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM stain_preset ORDER BY name`).all() as PresetRow[]).map(
      fromRow,
    );
  }

  findByName(name: string): StainPreset | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM stain_preset WHERE name = ?`).get(name) as
      PresetRow | undefined;
    return row && fromRow(row);
  }

  /** Create the preset, or replace the vectors of the preset with that name (case-insensitive). */
  save(name: string, vectors: unknown, now: string): StainPreset {
    this.db
      .prepare(
        `INSERT INTO stain_preset (name, vectors, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET vectors = excluded.vectors, updated_at = excluded.updated_at`,
      )
      .run(name, toJson(vectors), now, now);
    return this.findByName(name) as StainPreset;
  }
}
