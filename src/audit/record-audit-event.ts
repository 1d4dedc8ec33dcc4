import type { Db } from "../db/client.js";
import { Prisma } from "../db/generated/prisma/client.js";

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
  await db.$executeRaw(auditEventInsert(event, Prisma.sql`${String(event.entityId)}`));
}

/**
 * The INSERT of one audit event, for a write that appends its event in its
 * own statement (a data-modifying WITH): `entityId` is SQL, a column of
 * what `from` names (`FROM "c"`, the CTE that wrote the entity), and the
 * event is appended once per row of it.
 */
export function auditEventInsert(event: Omit<AuditEventInput, "entityId">, entityId: Prisma.Sql, from: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`INSERT INTO audit_events (actor_id, action, entity_type, entity_id, data)
    SELECT ${event.actorId}::int, ${event.action}, ${event.entityType}, (${entityId})::text, ${JSON.stringify(event.data ?? {})}::jsonb ${from}`;
}

/**
 * Appends one audit event per entity of a bulk write in one multi-row
 * insert, on the caller's transaction: the same action by the same actor on
 * many entities, each with its own data.
 */
export async function recordAuditEvents(
  db: Db,
  events: { actorId: number | null; action: string; entityType: string; entities: readonly { id: number; data?: Record<string, unknown> }[] },
): Promise<void> {
  if (!events.entities.length) return;
  const ids = events.entities.map((entity) => String(entity.id));
  const data = events.entities.map((entity) => JSON.stringify(entity.data ?? {}));
  await db.$executeRaw`
    INSERT INTO audit_events (actor_id, action, entity_type, entity_id, data)
    SELECT ${events.actorId}, ${events.action}, ${events.entityType}, "e"."id", "e"."data"::jsonb
    FROM unnest(${ids}::text[], ${data}::text[]) AS "e"("id", "data")`;
}
