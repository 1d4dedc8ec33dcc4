import { Prisma } from "../../db/generated/prisma/client.js";
import type { PostStatus } from "../../db/generated/prisma/enums.js";
import { utcTimestamp } from "../../read/values.js";

/** Which posts an admin's bulk delete or export covers: every status, every author. */
export interface AdminPostFilter {
  authorId?: number | null;
  status?: PostStatus | null;
  tag?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
}

/** The filter's conditions on "posts", with bound parameters; empty when it has none. */
export function postConditions(filter: AdminPostFilter): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.authorId != null) where.push(Prisma.sql`"author_id" = ${filter.authorId}`);
  if (filter.status != null) where.push(Prisma.sql`"status" = ${filter.status}::"PostStatus"`);
  if (filter.tag != null) {
    where.push(Prisma.sql`"id" IN (SELECT "l"."post_id" FROM "post_tags" AS "l" JOIN "tags" AS "t" ON "t"."id" = "l"."tag_id" WHERE "t"."name" = ${filter.tag})`);
  }
  if (filter.createdAfter) where.push(Prisma.sql`"created_at" > ${utcTimestamp(filter.createdAfter)}`);
  if (filter.createdBefore) where.push(Prisma.sql`"created_at" < ${utcTimestamp(filter.createdBefore)}`);
  if (filter.publishedAfter) where.push(Prisma.sql`"published_at" > ${utcTimestamp(filter.publishedAfter)}`);
  if (filter.publishedBefore) where.push(Prisma.sql`"published_at" < ${utcTimestamp(filter.publishedBefore)}`);
  return where;
}
