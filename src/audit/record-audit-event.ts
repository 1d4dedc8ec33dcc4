import type { Db } from "../db/client.js";

export interface AuditEventInput {
  actorId: number | null;
  /** `<entity>.<verb>`, for example `post.create`. */
  action: string;
  entityType: string;
  entityId: string | number;
  data?: Record<string, unknown>;
}

/**
 * Appends an audit event on the caller's transaction, so it commits or rolls
 * back with the write it describes. Raw SQL with bound parameters: an
 * append-only insert whose result nobody reads needs no model round trip.
 */
export async function recordAuditEvent(db: Db, event: AuditEventInput): Promise<void> {
  await db.$executeRaw`
    INSERT INTO audit_events (actor_id, action, entity_type, entity_id, data)
    VALUES (${event.actorId}, ${event.action}, ${event.entityType}, ${String(event.entityId)},
            ${JSON.stringify(event.data ?? {})}::jsonb)`;
}
