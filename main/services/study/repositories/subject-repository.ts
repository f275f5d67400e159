import type { Database } from 'better-sqlite3';
import type { Subject } from '../../../../shared/domain';

const COLUMNS = 'id, code, notes';

/** Subjects, identified by a pseudonymous code that is unique in the study (case-insensitively). */
export class SubjectRepository {
  constructor(private readonly db: Database) {}

  list(): Subject[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM subject ORDER BY code COLLATE NOCASE, id`)
      .all() as Subject[];
  }

  get(id: number): Subject | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM subject WHERE id = ?`).get(id) as Subject | undefined;
  }

  findByCode(code: string): Subject | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM subject WHERE code = ?`).get(code) as Subject | undefined;
  }

  insert(code: string, createdAt: string): Subject {
    const info = this.db.prepare('INSERT INTO subject (code, created_at) VALUES (?, ?)').run(code, createdAt);
    return this.get(Number(info.lastInsertRowid)) as Subject;
  }

  rename(id: number, code: string): void {
    this.db.prepare('UPDATE subject SET code = ? WHERE id = ?').run(code, id);
  }
}
