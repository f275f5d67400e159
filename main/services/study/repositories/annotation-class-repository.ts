import type { Database } from 'better-sqlite3';

export type AnnotationRole = 'roi' | 'exclude' | 'stained' | 'unstained';

export interface AnnotationClass {
  id: number;
  name: string;
  /** '#rrggbb', lower case. */
  colour: string;
  /** What the analysis does with shapes of this class; null for user-defined marks. */
  role: AnnotationRole | null;
  builtIn: boolean;
}

/** Annotation classes: four built in (seeded by migrations 1 and 2), more defined by the user. */
export class AnnotationClassRepository {
  constructor(private readonly db: Database) {}

  list(): AnnotationClass[] {
    const rows = this.db
      .prepare('SELECT id, name, colour, role, built_in AS builtIn FROM annotation_class ORDER BY id')
      .all() as (Omit<AnnotationClass, 'builtIn'> & { builtIn: number })[];
    return rows.map((row) => ({ ...row, builtIn: row.builtIn === 1 }));
  }

  get(id: number): AnnotationClass | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** Rename or recolour a class (built-in ones too: their role, not their name, drives the analysis). */
  update(id: number, name: string, colour: string): void {
    this.db
      .prepare('UPDATE annotation_class SET name = ?, colour = ? WHERE id = ?')
      .run(name, colour.toLowerCase(), id);
  }

  insert(name: string, colour: string, createdAt: string): AnnotationClass {
    const info = this.db
      .prepare('INSERT INTO annotation_class (name, colour, created_at) VALUES (?, ?, ?)')
      .run(name, colour.toLowerCase(), createdAt);
    const created = this.list().find((c) => c.id === Number(info.lastInsertRowid));
    if (!created) throw new Error('The new annotation class was not stored.');
    return created;
  }
}
