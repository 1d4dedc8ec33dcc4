import { Prisma } from "../../db/generated/prisma/client.js";
import type { SqlRunner } from "../../db/sql-runner.js";
import { utcTimestamp } from "../../read/values.js";

/**
 * Aggregates over a period [from, to), in raw SQL with bound parameters,
 * each read through an index on the period's column: posts by
 * published_at (posts_status_published_at_id_idx), tags by the post_tags
 * copy of published_at (post_tags_published_at_tag_id_idx), comments by
 * created_at (comments_created_at_post_id_idx). Published posts only, so
 * the figures are the same for every viewer.
 */
export interface Period {
  from: Date;
  to: Date;
}

export async function postsPerMonth(sql: SqlRunner, { from, to }: Period): Promise<Array<{ month: string; posts: number }>> {
  return sql.query(Prisma.sql`
    SELECT to_char(date_trunc('month', "published_at"), 'YYYY-MM') AS "month", count(*)::int AS "posts"
    FROM "posts"
    WHERE "status" = 'PUBLISHED' AND "published_at" >= ${utcTimestamp(from)} AND "published_at" < ${utcTimestamp(to)}
    GROUP BY 1 ORDER BY 1`);
}

export async function topTags(sql: SqlRunner, { from, to }: Period, limit: number): Promise<Array<{ tagId: number; posts: number }>> {
  return sql.query(Prisma.sql`
    SELECT "tag_id" AS "tagId", count(*)::int AS "posts"
    FROM "post_tags"
    WHERE "published_at" >= ${utcTimestamp(from)} AND "published_at" < ${utcTimestamp(to)}
    GROUP BY "tag_id" ORDER BY "posts" DESC, "tag_id" LIMIT ${limit}`);
}

export async function mostCommentedWriters(sql: SqlRunner, { from, to }: Period, limit: number): Promise<Array<{ userId: number; comments: number }>> {
  return sql.query(Prisma.sql`
    SELECT "p"."author_id" AS "userId", count(*)::int AS "comments"
    FROM "comments" AS "c" JOIN "posts" AS "p" ON "p"."id" = "c"."post_id"
    WHERE "c"."created_at" >= ${utcTimestamp(from)} AND "c"."created_at" < ${utcTimestamp(to)} AND "p"."status" = 'PUBLISHED'
    GROUP BY "p"."author_id" ORDER BY "comments" DESC, "p"."author_id" LIMIT ${limit}`);
}
