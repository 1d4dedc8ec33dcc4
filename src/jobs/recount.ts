import type { PrismaClient } from "../db/generated/prisma/client.js";
import { Prisma } from "../db/generated/prisma/client.js";
import { createProgress, type Progress } from "./progress.js";

/**
 * `recount`: recomputes every denormalised figure from the rows it sums,
 * and reports the drift it fixed:
 * - posts.comment_count, from comments;
 * - post_tags.published_at, from its post;
 * - credit_accounts.balance, from the ledger's entries.
 * Each phase walks its table in keyset chunks of ids, one short
 * transaction per chunk, and saves its position in job_checkpoints in that
 * same transaction: run again after Ctrl-C or a crash, it continues after
 * the last chunk that committed and does no row twice. A finished run
 * removes its checkpoint, so the next run starts over.
 */
const PHASES = ["posts.comment_count", "post_tags.published_at", "credit_accounts.balance"] as const;
type Phase = (typeof PHASES)[number];

interface Position {
  phase: Phase;
  /** The last id done in this phase (post id for post_tags). */
  lastId: number;
  rows: number;
  fixed: Record<Phase, number>;
}

export interface RecountReport {
  resumed: boolean;
  rows: number;
  fixed: Record<Phase, number>;
  chunks: number;
  interrupted: boolean;
}

const JOB = "recount";

/** One chunk of a phase: fixes drift among rows with ids in (after, after + size], returns how many rows it looked at and fixed. */
async function chunk(tx: Prisma.TransactionClient, phase: Phase, after: number, size: number): Promise<{ upTo: number | null; rows: number; fixed: number }> {
  const table = phase === "credit_accounts.balance" ? "credit_accounts" : "posts";
  const [bounds] = await tx.$queryRaw<{ upTo: number | null; rows: number }[]>`
    SELECT max("id") AS "upTo", count(*)::int AS "rows" FROM (
      SELECT "id" FROM ${Prisma.raw(`"${table}"`)} WHERE "id" > ${after} ORDER BY "id" LIMIT ${size}
    ) AS "c"`;
  if (!bounds?.upTo) return { upTo: null, rows: 0, fixed: 0 };
  const upTo = bounds.upTo;
  let fixed: number;
  if (phase === "posts.comment_count") {
    fixed = await tx.$executeRaw`
      UPDATE "posts" AS "p" SET "comment_count" = "n"."count"
      FROM (SELECT "p2"."id", count("c"."id")::int AS "count" FROM "posts" AS "p2" LEFT JOIN "comments" AS "c" ON "c"."post_id" = "p2"."id"
            WHERE "p2"."id" > ${after} AND "p2"."id" <= ${upTo} GROUP BY "p2"."id") AS "n"
      WHERE "p"."id" = "n"."id" AND "p"."comment_count" <> "n"."count"`;
  } else if (phase === "post_tags.published_at") {
    fixed = await tx.$executeRaw`
      UPDATE "post_tags" AS "l" SET "published_at" = CASE WHEN "p"."status" = 'PUBLISHED' THEN "p"."published_at" END
      FROM "posts" AS "p"
      WHERE "p"."id" = "l"."post_id" AND "l"."post_id" > ${after} AND "l"."post_id" <= ${upTo}
        AND "l"."published_at" IS DISTINCT FROM (CASE WHEN "p"."status" = 'PUBLISHED' THEN "p"."published_at" END)`;
  } else {
    fixed = await tx.$executeRaw`
      UPDATE "credit_accounts" AS "a" SET "balance" = "s"."sum"
      FROM (SELECT "a2"."id", coalesce(sum("e"."amount"), 0)::int AS "sum" FROM "credit_accounts" AS "a2"
            LEFT JOIN "ledger_entries" AS "e" ON "e"."account_id" = "a2"."id"
            WHERE "a2"."id" > ${after} AND "a2"."id" <= ${upTo} GROUP BY "a2"."id") AS "s"
      WHERE "a"."id" = "s"."id" AND "a"."balance" <> "s"."sum"`;
  }
  return { upTo, rows: bounds.rows, fixed };
}

export async function recount(
  prisma: PrismaClient,
  { chunkSize = 1_000, signal, progress = (label, total) => createProgress(label, total) }: {
    chunkSize?: number;
    signal?: AbortSignal;
    progress?: (label: string, total: number) => Progress;
  } = {},
): Promise<RecountReport> {
  const saved = await prisma.jobCheckpoint.findUnique({ where: { name: JOB } });
  let position: Position = (saved?.position as unknown as Position | undefined) ?? {
    phase: PHASES[0],
    lastId: 0,
    rows: 0,
    fixed: { "posts.comment_count": 0, "post_tags.published_at": 0, "credit_accounts.balance": 0 },
  };
  const totals = {
    "posts.comment_count": await prisma.post.count(),
    "post_tags.published_at": await prisma.post.count(),
    "credit_accounts.balance": await prisma.creditAccount.count(),
  };
  let chunks = 0;
  for (const phase of PHASES.slice(PHASES.indexOf(position.phase))) {
    if (phase !== position.phase) position = { ...position, phase, lastId: 0 };
    const bar = progress(`recount ${phase}`, totals[phase]);
    for (;;) {
      if (signal?.aborted) {
        bar.done();
        return { resumed: Boolean(saved), rows: position.rows, fixed: position.fixed, chunks, interrupted: true };
      }
      const next = await prisma.$transaction(async (tx) => {
        const done = await chunk(tx, phase, position.lastId, chunkSize);
        if (done.upTo === null) return null;
        const moved: Position = {
          ...position,
          lastId: done.upTo,
          rows: position.rows + done.rows,
          fixed: { ...position.fixed, [phase]: position.fixed[phase] + done.fixed },
        };
        const json = moved as unknown as Prisma.InputJsonValue;
        await tx.jobCheckpoint.upsert({ where: { name: JOB }, create: { name: JOB, position: json }, update: { position: json } });
        bar.advance(done.rows);
        return moved;
      });
      if (!next) break;
      position = next;
      chunks += 1;
    }
    bar.done();
  }
  await prisma.jobCheckpoint.deleteMany({ where: { name: JOB } });
  return { resumed: Boolean(saved), rows: position.rows, fixed: position.fixed, chunks, interrupted: false };
}
