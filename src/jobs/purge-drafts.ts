import type { PrismaClient } from "../db/generated/prisma/client.js";
import { recordAuditEvents } from "../audit/record-audit-event.js";
import { plannedLimit } from "../db/planned-limit.js";
import { utcTimestamp } from "../read/values.js";
import { runChunkedJob, type JobOptions, type JobReport } from "./chunked-job.js";

/**
 * `purge-drafts --older-than 90d`: deletes drafts nobody has touched for
 * that long (by `updated_at`: a draft edited last week is not abandoned,
 * however old it is), with their comments and tag links, and an audit event
 * for each (actor: none). The cutoff is fixed when the job starts and saved
 * with its checkpoint, so a resumed run deletes what the first one would
 * have, not a moving target.
 */
const JOB = "purge-drafts";

/** `90d`, `12h`, `30m` or `45s` as milliseconds; null for anything else. */
export function parseAge(text: string): number | null {
  const match = /^(\d{1,6})([dhms])$/.exec(text.trim());
  if (!match) return null;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 }[match[2] as "d" | "h" | "m" | "s"];
  return Number(match[1]) * unit;
}

export async function purgeDrafts(prisma: PrismaClient, { olderThanMs, now = new Date(), ...options }: JobOptions & { olderThanMs: number; now?: Date }): Promise<JobReport> {
  return runChunkedJob(
    prisma,
    {
      name: JOB,
      params: { cutoff: new Date(now.getTime() - olderThanMs).toISOString() },
      phases: [
        {
          name: "posts",
          // Comments and tag links go with their post (ON DELETE CASCADE); one audit event per post.
          writes: ["posts", "comments", "post_tags", "audit_events"],
          total: (client, params) => client.post.count({ where: { status: "DRAFT", updatedAt: { lt: new Date(String(params.cutoff)) } } }),
          async chunk(tx, { after, size, params }) {
            const cutoff = new Date(String(params.cutoff));
            // The chunk: the next drafts past the cutoff by id. The delete checks again, so a
            // draft published or edited since is kept.
            const candidates = await tx.$queryRaw<{ id: number }[]>`
              SELECT "id" FROM "posts" WHERE "id" > ${after} AND "status" = 'DRAFT' AND "updated_at" < ${utcTimestamp(cutoff)}
              ORDER BY "id" LIMIT ${plannedLimit(size)}`;
            if (!candidates.length) return null;
            const deleted = await tx.$queryRaw<{ id: number; slug: string; title: string; authorId: number }[]>`
              DELETE FROM "posts" WHERE "id" = ANY(${candidates.map((row) => row.id)}::int[]) AND "status" = 'DRAFT' AND "updated_at" < ${utcTimestamp(cutoff)}
              RETURNING "id", "slug", "title", "author_id" AS "authorId"`;
            await recordAuditEvents(tx, {
              actorId: null,
              action: "post.purge",
              entityType: "Post",
              entities: deleted.map((row) => ({ id: row.id, data: { slug: row.slug, title: row.title, authorId: row.authorId, cutoff: params.cutoff } })),
            });
            return { upTo: candidates.at(-1)!.id, rows: candidates.length, changed: deleted.length };
          },
        },
      ],
    },
    options,
  );
}
