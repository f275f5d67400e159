import type { Database } from 'better-sqlite3';

export interface StudyRow {
  name: string;
  createdAt: string;
  createdByVersion: string;
}

/** The single study row (id 1): name and provenance. */
export class StudyRepository {
  constructor(private readonly db: Database) {}

  get(): StudyRow {
    const row = this.db
      .prepare(
        'SELECT name, created_at AS createdAt, created_by_version AS createdByVersion FROM study WHERE id = 1',
      )
      .get() as StudyRow | undefined;
    if (!row) throw new Error('The study row is missing.');
    return row;
  }

  rename(name: string): void {
    this.db.prepare('UPDATE study SET name = ? WHERE id = 1').run(name);
  }
}
