import type { Database } from 'better-sqlite3';

export interface AuditEvent {
  id: number;
  at: string;
  kind: string;
  entity: string;
  entityId: number | null;
  detail: Record<string, unknown>;
}

/** An append-only trail of changes that matter for reproducibility (calibration, locks, protocol). */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  record(event: Omit<AuditEvent, 'id'>): void {
    this.db
      .prepare('INSERT INTO audit_event (at, kind, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?)')
      .run(event.at, event.kind, event.entity, event.entityId, JSON.stringify(event.detail));
  }

  list(entity?: string, entityId?: number): AuditEvent[] {
    const rows = this.db
      .prepare(
        `SELECT id, at, kind, entity, entity_id AS entityId, detail FROM audit_event
         WHERE (@entity IS NULL OR entity = @entity) AND (@entityId IS NULL OR entity_id = @entityId)
         ORDER BY id`,
      )
      .all({ entity: entity ?? null, entityId: entityId ?? null }) as (Omit<AuditEvent, 'detail'> & {
      detail: string;
    })[];
    return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
  }
}
