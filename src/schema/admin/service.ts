import type { Viewer } from "../../auth/tokens.js";
import { recordAuditEvents } from "../../audit/record-audit-event.js";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError } from "../../errors.js";
import { postConditions, type AdminPostFilter } from "./lists.js";
import type { MutationWork } from "../mutation-work.js";

/**
 * Admins' bulk writes, modelled on Hasura's `affected_rows`. Each is one
 * statement per kind of write (the rows, then their audit events in one
 * multi-row insert) on the mutation's unit of work, never a loop of single-row
 * writes, and reports the rows it changed: a row already in the wanted state,
 * or an id that matches nothing, is not counted. Counters stay exact without
 * help: post_tags.published_at and posts.comment_count are kept by triggers
 * on every write (see their migrations), and post counts are counted on read.
 */

/** The most ids one bulk mutation takes, and the most posts one deletePosts may delete. */
export const BULK_LIMIT = 1_000;

export interface BulkResult {
  /** The ids of the rows changed, in ascending order. */
  ids: number[];
}

export async function publishPosts({ tx: db, viewer: admin, announce }: MutationWork, ids: readonly number[]): Promise<BulkResult> {
  // A republished post gets a new publication time, as publishPost gives it.
  const rows = await db.$queryRaw<{ id: number; authorId: number }[]>`
    UPDATE "posts" SET "status" = 'PUBLISHED', "published_at" = now(), "updated_at" = now()
    WHERE "id" = ANY(${[...ids]}::int[]) AND "status" = 'DRAFT'
    RETURNING "id", "author_id" AS "authorId"`;
  const result = await audited(db, admin, "post.publish", "Post", rows);
  for (const row of sortedById(rows)) announce({ kind: "postPublished", postId: row.id, authorId: row.authorId });
  return result;
}

export async function unpublishPosts({ tx: db, viewer: admin, announce }: MutationWork, ids: readonly number[]): Promise<BulkResult> {
  // Back to a draft as a draft is made: no publication time.
  const rows = await db.$queryRaw<{ id: number }[]>`
    UPDATE "posts" SET "status" = 'DRAFT', "published_at" = NULL, "updated_at" = now()
    WHERE "id" = ANY(${[...ids]}::int[]) AND "status" = 'PUBLISHED'
    RETURNING "id"`;
  const result = await audited(db, admin, "post.unpublish", "Post", rows);
  for (const postId of result.ids) announce({ kind: "postWithdrawn", postId });
  return result;
}

/**
 * Deletes every post the filter matches, with their comments and tag links
 * (cascades). A filter with no condition is refused rather than read as
 * "everything", and one matching more than BULK_LIMIT posts is refused
 * whole: the matching ids are read first (at most BULK_LIMIT + 1 of them),
 * so nothing is deleted and then rolled back. The delete repeats the filter,
 * so a post changed by another transaction in between is deleted only if it
 * still matches.
 */
export async function deletePosts({ tx: db, viewer: admin, announce }: MutationWork, filter: AdminPostFilter, field = "filter"): Promise<BulkResult> {
  const where = postConditions(filter);
  if (!where.length) throw new BadUserInputError(`"${field}" needs at least one condition; it would match every post.`, field);
  const matching = Prisma.join(where, " AND ");
  const candidates = await db.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "posts" WHERE ${matching} ORDER BY "id" LIMIT ${BULK_LIMIT + 1}`;
  if (candidates.length > BULK_LIMIT) {
    throw new BadUserInputError(`"${field}" matches more than ${BULK_LIMIT} posts; narrow it and delete in steps.`, field);
  }
  if (!candidates.length) return { ids: [] };
  const rows = await db.$queryRaw<{ id: number; slug: string; title: string }[]>`
    DELETE FROM "posts" WHERE "id" = ANY(${candidates.map((row) => row.id)}::int[]) AND ${matching}
    RETURNING "id", "slug", "title"`;
  const result = await audited(db, admin, "post.delete", "Post", rows, (row) => ({ slug: row.slug, title: row.title }));
  for (const postId of result.ids) announce({ kind: "postWithdrawn", postId });
  return result;
}

/**
 * Suspends accounts: they can no longer log in, and their tokens sign nobody
 * in from the next request on (the viewer is read from the database on every
 * request). An admin cannot suspend themselves, which could leave nobody to
 * undo it.
 */
export async function suspendUsers({ tx: db, viewer: admin, announce }: MutationWork, ids: readonly number[], field = "ids"): Promise<BulkResult> {
  if (ids.includes(admin.id)) throw new BadUserInputError(`"${field}" includes the viewer; an admin cannot suspend themselves.`, field);
  const rows = await db.$queryRaw<{ id: number }[]>`
    UPDATE "users" SET "suspended_at" = now(), "updated_at" = now()
    WHERE "id" = ANY(${[...ids]}::int[]) AND "suspended_at" IS NULL
    RETURNING "id"`;
  const result = await audited(db, admin, "user.suspend", "User", rows);
  // Their open subscriptions end (src/plugins/subscriptions.ts).
  for (const userId of result.ids) announce({ kind: "accountChanged", userId });
  return result;
}

export async function unsuspendUsers(db: Db, admin: Viewer, ids: readonly number[]): Promise<BulkResult> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    UPDATE "users" SET "suspended_at" = NULL, "updated_at" = now()
    WHERE "id" = ANY(${[...ids]}::int[]) AND "suspended_at" IS NOT NULL
    RETURNING "id"`;
  return audited(db, admin, "user.unsuspend", "User", rows);
}

function sortedById<R extends { id: number }>(rows: readonly R[]): R[] {
  return [...rows].sort((a, b) => a.id - b.id);
}

async function audited<R extends { id: number }>(
  db: Db,
  admin: Viewer,
  action: string,
  entityType: string,
  rows: R[],
  data?: (row: R) => Record<string, unknown>,
): Promise<BulkResult> {
  const changed = sortedById(rows);
  await recordAuditEvents(db, {
    actorId: admin.id,
    action,
    entityType,
    entities: changed.map((row) => ({ id: row.id, data: data?.(row) })),
  });
  return { ids: changed.map((row) => row.id) };
}
