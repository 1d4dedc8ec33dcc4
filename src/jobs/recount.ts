import type { PrismaClient } from "../db/generated/prisma/client.js";
import { Prisma } from "../db/generated/prisma/client.js";
import { plannedLimit } from "../db/planned-limit.js";
import type { TableName } from "../db/statistics.js";
import { runChunkedJob, type JobOptions, type JobPhase } from "./chunked-job.js";

/**
 * `recount`: recomputes every denormalised figure from the rows it sums,
 * and reports the drift it fixed:
 * - posts.comment_count, from comments;
 * - post_tags.published_at, from its post;
 * - tags.post_count, from the links published_at marks published;
 * - author_post_counts, from each user's posts by status;
 * - credit_accounts.balance, from the ledger's entries.
 * Each phase walks its table by id in chunks (src/jobs/chunked-job.ts):
 * resumable, one short transaction per chunk.
 */
type Phase = "posts.comment_count" | "post_tags.published_at" | "tags.post_count" | "author_post_counts" | "credit_accounts.balance";

export interface RecountReport {
  resumed: boolean;
  rows: number;
  fixed: Record<Phase, number>;
  chunks: number;
  interrupted: boolean;
  /** The tables whose statistics the run refreshed, having changed rows in them. */
  analyzed: TableName[];
}

/** The next chunk of ids of a table after `after`: its last id and its size, or null when none are left. */
async function idChunk(tx: Prisma.TransactionClient, table: "posts" | "tags" | "users" | "credit_accounts", after: number, size: number) {
  const [bounds] = await tx.$queryRaw<{ upTo: number | null; rows: number }[]>`
    SELECT max("id") AS "upTo", count(*)::int AS "rows" FROM (
      SELECT "id" FROM ${Prisma.raw(`"${table}"`)} WHERE "id" > ${after} ORDER BY "id" LIMIT ${plannedLimit(size)}
    ) AS "c"`;
  return bounds?.upTo ? { upTo: bounds.upTo, rows: bounds.rows } : null;
}

const PHASES: JobPhase[] = [
  {
    name: "posts.comment_count",
    writes: ["posts"],
    total: (prisma) => prisma.post.count(),
    async chunk(tx, { after, size }) {
      const ids = await idChunk(tx, "posts", after, size);
      if (!ids) return null;
      const changed = await tx.$executeRaw`
        UPDATE "posts" AS "p" SET "comment_count" = "n"."count"
        FROM (SELECT "p2"."id", count("c"."id")::int AS "count" FROM "posts" AS "p2" LEFT JOIN "comments" AS "c" ON "c"."post_id" = "p2"."id"
              WHERE "p2"."id" > ${after} AND "p2"."id" <= ${ids.upTo} GROUP BY "p2"."id") AS "n"
        WHERE "p"."id" = "n"."id" AND "p"."comment_count" <> "n"."count"`;
      return { ...ids, changed };
    },
  },
  {
    name: "post_tags.published_at",
    writes: ["post_tags"],
    total: (prisma) => prisma.post.count(),
    async chunk(tx, { after, size }) {
      const ids = await idChunk(tx, "posts", after, size);
      if (!ids) return null;
      const changed = await tx.$executeRaw`
        UPDATE "post_tags" AS "l" SET "published_at" = CASE WHEN "p"."status" = 'PUBLISHED' THEN "p"."published_at" END
        FROM "posts" AS "p"
        WHERE "p"."id" = "l"."post_id" AND "l"."post_id" > ${after} AND "l"."post_id" <= ${ids.upTo}
          AND "l"."published_at" IS DISTINCT FROM (CASE WHEN "p"."status" = 'PUBLISHED' THEN "p"."published_at" END)`;
      return { ...ids, changed };
    },
  },
  {
    // After the links' published_at: fixing those moves the counts through their triggers first.
    name: "tags.post_count",
    writes: ["tags"],
    total: (prisma) => prisma.tag.count(),
    async chunk(tx, { after, size }) {
      const ids = await idChunk(tx, "tags", after, size);
      if (!ids) return null;
      const changed = await tx.$executeRaw`
        UPDATE "tags" AS "t" SET "post_count" = "n"."count"
        FROM (SELECT "t2"."id", count("l"."post_id")::int AS "count" FROM "tags" AS "t2"
              LEFT JOIN "post_tags" AS "l" ON "l"."tag_id" = "t2"."id" AND "l"."published_at" IS NOT NULL
              WHERE "t2"."id" > ${after} AND "t2"."id" <= ${ids.upTo} GROUP BY "t2"."id") AS "n"
        WHERE "t"."id" = "n"."id" AND "t"."post_count" <> "n"."count"`;
      return { ...ids, changed };
    },
  },
  {
    name: "author_post_counts",
    writes: ["author_post_counts"],
    total: (prisma) => prisma.user.count(),
    async chunk(tx, { after, size }) {
      const ids = await idChunk(tx, "users", after, size);
      if (!ids) return null;
      // The chunk's counts are locked before the posts are counted: a post written meanwhile is
      // then either counted below, or its trigger waits for this chunk to commit and adds itself.
      await tx.$executeRaw`
        SELECT 1 FROM "author_post_counts" WHERE "author_id" > ${after} AND "author_id" <= ${ids.upTo} ORDER BY "author_id" FOR UPDATE`;
      const changed = await tx.$executeRaw`
        INSERT INTO "author_post_counts" AS "c" ("author_id", "published", "drafts")
        SELECT "n"."id", "n"."published", "n"."drafts"
        FROM (SELECT "u"."id", count("p"."id") FILTER (WHERE "p"."status" = 'PUBLISHED')::int AS "published",
                     count("p"."id") FILTER (WHERE "p"."status" = 'DRAFT')::int AS "drafts"
              FROM "users" AS "u" LEFT JOIN "posts" AS "p" ON "p"."author_id" = "u"."id"
              WHERE "u"."id" > ${after} AND "u"."id" <= ${ids.upTo} GROUP BY "u"."id") AS "n"
        LEFT JOIN "author_post_counts" AS "s" ON "s"."author_id" = "n"."id"
        WHERE (coalesce("s"."published", 0), coalesce("s"."drafts", 0)) <> ("n"."published", "n"."drafts")
        ORDER BY "n"."id"
        ON CONFLICT ("author_id") DO UPDATE SET "published" = excluded."published", "drafts" = excluded."drafts"`;
      return { ...ids, changed };
    },
  },
  {
    name: "credit_accounts.balance",
    writes: ["credit_accounts"],
    total: (prisma) => prisma.creditAccount.count(),
    async chunk(tx, { after, size }) {
      const ids = await idChunk(tx, "credit_accounts", after, size);
      if (!ids) return null;
      const changed = await tx.$executeRaw`
        UPDATE "credit_accounts" AS "a" SET "balance" = "s"."sum"
        FROM (SELECT "a2"."id", coalesce(sum("e"."amount"), 0)::int AS "sum" FROM "credit_accounts" AS "a2"
              LEFT JOIN "ledger_entries" AS "e" ON "e"."account_id" = "a2"."id"
              WHERE "a2"."id" > ${after} AND "a2"."id" <= ${ids.upTo} GROUP BY "a2"."id") AS "s"
        WHERE "a"."id" = "s"."id" AND "a"."balance" <> "s"."sum"`;
      return { ...ids, changed };
    },
  },
];

export async function recount(prisma: PrismaClient, options: JobOptions = {}): Promise<RecountReport> {
  const report = await runChunkedJob(prisma, { name: "recount", phases: PHASES }, options);
  return { resumed: report.resumed, rows: report.rows, fixed: report.changed as Record<Phase, number>, chunks: report.chunks, interrupted: report.interrupted, analyzed: report.analyzed };
}
