import type { Database } from 'better-sqlite3';
import type { Timepoint } from '../../../../shared/domain';

const COLUMNS = 'id, subject_id AS subjectId, label, session, date';

export interface TimepointFields {
  label: string;
  session: number | null;
  date: string | null;
}

/** Timepoints of a subject (e.g. "before", "after 3 sessions"), unique by label within the subject. */
export class TimepointRepository {
  constructor(private readonly db: Database) {}

  list(): Timepoint[] {
    // Sessions first in order, then undated/unnumbered ones by creation.
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM timepoint ORDER BY subject_id, session IS NULL, session, date, id`)
      .all() as Timepoint[];
  }

  get(id: number): Timepoint | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM timepoint WHERE id = ?`).get(id) as Timepoint | undefined;
  }

  find(subjectId: number, label: string): Timepoint | undefined {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM timepoint WHERE subject_id = ? AND label = ?`)
      .get(subjectId, label) as Timepoint | undefined;
  }

  insert(subjectId: number, fields: TimepointFields, createdAt: string): Timepoint {
    const info = this.db
      .prepare('INSERT INTO timepoint (subject_id, label, session, date, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(subjectId, fields.label, fields.session, fields.date, createdAt);
    return this.get(Number(info.lastInsertRowid)) as Timepoint;
  }

  update(id: number, fields: TimepointFields): void {
    this.db
      .prepare('UPDATE timepoint SET label = ?, session = ?, date = ? WHERE id = ?')
      .run(fields.label, fields.session, fields.date, id);
  }
}
