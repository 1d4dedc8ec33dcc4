import { createHash } from "node:crypto";
import { Prisma } from "./generated/prisma/client.js";
import type { SqlRunner } from "./sql-runner.js";

/** How long a key is remembered (Stripe keeps keys for 24 hours). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** What a key may be: 1 to 255 visible ASCII characters (a UUID is the usual choice). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request a key stands for: the document, the operation name and the variables. */
export function requestHash(document: string, operationName: string | null | undefined, variables: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([document, operationName ?? null, canonical(variables ?? {})]))
    .digest("hex");
}

/** Object keys in a fixed order, so `{a, b}` and `{b, a}` are the same request. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export type Claim =
  | { kind: "claimed" }
  | { kind: "replay"; response: Record<string, unknown> }
  | { kind: "reused" };

/**
 * Claims `key` for this user inside the operation's transaction. The
 * insert waits while another transaction holds the same key uncommitted
 * (the unique index makes it), so a concurrent duplicate waits for the
 * first and then replays its response; if the first rolls back, the key is
 * free and this one claims it. An expired key is dropped first.
 */
export async function claimKey(sql: SqlRunner, userId: number, key: string, hash: string): Promise<Claim> {
  await sql.query(Prisma.sql`DELETE FROM "idempotency_keys" WHERE "user_id" = ${userId} AND "key" = ${key} AND "expires_at" < now()`);
  const inserted = await sql.query<{ key: string }>(Prisma.sql`
    INSERT INTO "idempotency_keys" ("user_id", "key", "request_hash", "expires_at")
    VALUES (${userId}, ${key}, ${hash}, now() + make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS}))
    ON CONFLICT ("user_id", "key") DO NOTHING
    RETURNING "key"`);
  if (inserted.length) return { kind: "claimed" };
  const [stored] = await sql.query<{ requestHash: string; response: string | null }>(Prisma.sql`
    SELECT "request_hash" AS "requestHash", "response" FROM "idempotency_keys" WHERE "user_id" = ${userId} AND "key" = ${key}`);
  if (!stored || stored.response === null) return { kind: "claimed" }; // gone again meanwhile: unreachable in practice
  return stored.requestHash === hash ? { kind: "replay", response: JSON.parse(stored.response) as Record<string, unknown> } : { kind: "reused" };
}

/** Records the response of the operation that claimed the key, in the same transaction. */
export async function storeResponse(sql: SqlRunner, userId: number, key: string, response: unknown): Promise<void> {
  await sql.query(Prisma.sql`
    UPDATE "idempotency_keys" SET "response" = ${JSON.stringify(response)} WHERE "user_id" = ${userId} AND "key" = ${key}`);
}
