import { LRUCache } from "lru-cache";
import { Prisma } from "../../db/generated/prisma/client.js";
import type { SqlRunner } from "../../db/sql-runner.js";
import type { CostlyReads } from "../../read/costly-reads.js";
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

/** How long the site figures are kept, and how many (SiteFigures). */
export interface SiteFiguresOptions {
  /** How long a computed figure answers every request for the same period. */
  ttlMs: number;
  /** Periods kept at once, the least recently asked for dropped first. */
  maxEntries: number;
}

export const SITE_FIGURES: SiteFiguresOptions = { ttlMs: 60_000, maxEntries: 500 };

/**
 * The stats figures, computed once per period and shared by every request
 * for it for a minute. Each figure aggregates every row of its period, so
 * its cost follows the data, not the page: on 100,000 posts and 1,000,000
 * comments one anonymous request over ten years took 1.5 s of database time.
 * So a figure is computed at most once per period, while it is in flight
 * and for `ttlMs` after; the figures are the same for every viewer
 * (published posts only). A client that asks for ever new periods is bounded
 * by the instance's costly reads (src/read/costly-reads.ts), which every
 * computation runs under. A failed computation is not kept.
 */
export class SiteFigures {
  readonly #figures: LRUCache<string, Promise<unknown>>;
  readonly #reads: CostlyReads;

  constructor(reads: CostlyReads, { ttlMs, maxEntries }: SiteFiguresOptions = SITE_FIGURES) {
    this.#figures = new LRUCache({ max: maxEntries, ttl: ttlMs });
    this.#reads = reads;
  }

  /** The figure named `key`, computed by `compute` unless one for the same key is in flight or fresh. */
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const kept = this.#figures.get(key) as Promise<T> | undefined;
    if (kept) return kept;
    const figure = this.#reads.run(compute);
    this.#figures.set(key, figure);
    figure.catch(() => {
      if (this.#figures.peek(key) === figure) this.#figures.delete(key);
    });
    return figure;
  }
}

/** The key of one figure over one period: the same figure, period and limit, the same key. */
export function figureKey(figure: string, { from, to }: Period, limit?: number): string {
  return `${figure}:${from.toISOString()}:${to.toISOString()}:${limit ?? ""}`;
}
