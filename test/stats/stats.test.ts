import { beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { refreshStatistics } from "../../src/db/statistics.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectNoErrors } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * Exact figures on the deterministic seed: 3 writers × 4 posts (every 4th a
 * draft, so 9 published, on 2026-01-02), 2 tags a post, 2 comments on each
 * published post written one second apart from 2026-01-03 00:00:01.
 * Two posts are then moved to February.
 */
const STATS = `query Stats($from: DateTime!, $to: DateTime!, $first: Int) {
  stats(from: $from, to: $to) {
    postsPerMonth { month posts }
    topTags(first: $first) { tag { name } posts }
    mostCommentedWriters(first: $first) { writer { handle } comments }
  }
}`;

describe.each(testDatabaseKinds)("stats on %s", (kind) => {
  const app = useTestApp(kind);

  beforeAll(async () => {
    const prisma = app.current.app.database.prisma;
    await seedDatabase(prisma, { users: 3, postsPerUser: 4, commentsPerPost: 2, draftEvery: 4 });
    await prisma.$executeRaw`UPDATE posts SET published_at = '2026-02-15 12:00:00' WHERE slug IN ('post-1', 'post-2')`;
  });

  it("counts posts per month, top tags and the most commented writers, exactly", async () => {
    const year = await app.current.graphql(STATS, { variables: { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", first: 4 } });
    expectNoErrors(year);
    expect(year.body.data!.stats).toEqual({
      postsPerMonth: [
        { month: "2026-01", posts: 7 },
        { month: "2026-02", posts: 2 },
      ],
      // Tags 5, 6 and 10 are on two published posts each; the rest on one. Ties go to the older tag.
      topTags: [
        { tag: { name: "editing" }, posts: 2 },
        { tag: { name: "publishing" }, posts: 2 },
        { tag: { name: "science" }, posts: 2 },
        { tag: { name: "writing" }, posts: 1 },
      ],
      mostCommentedWriters: [
        { writer: { handle: "writer1" }, comments: 6 },
        { writer: { handle: "writer2" }, comments: 6 },
        { writer: { handle: "writer3" }, comments: 6 },
      ],
    });

    // February alone: its two posts and their four tags; and the first 8 comments (writer1's six, writer2's first two).
    const february = await app.current.graphql(STATS, { variables: { from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z", first: 10 } });
    expect(february.body.data!.stats.postsPerMonth).toEqual([{ month: "2026-02", posts: 2 }]);
    expect(february.body.data!.stats.topTags.map((count: { tag: { name: string } }) => count.tag.name)).toEqual(["writing", "fiction", "essays", "science"]);
    const comments = await app.current.graphql(STATS, { variables: { from: "2026-01-03T00:00:00Z", to: "2026-01-03T00:00:08.500Z" } });
    expect(comments.body.data!.stats.mostCommentedWriters).toEqual([
      { writer: { handle: "writer1" }, comments: 6 },
      { writer: { handle: "writer2" }, comments: 2 },
    ]);
  });

  it("answers a period asked for again from the figures computed for it, sending no statement", async () => {
    const counts = `query Counts($from: DateTime!, $to: DateTime!, $first: Int) {
      stats(from: $from, to: $to) { postsPerMonth { month posts } topTags(first: $first) { posts } mostCommentedWriters(first: $first) { comments } }
    }`;
    const variables = { from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z", first: 3 };
    const first = await app.current.graphql(counts, { variables });
    expectNoErrors(first);
    expect(first.statements).toHaveLength(3);
    const again = await app.current.graphql(counts, { variables });
    expect(again.body).toEqual(first.body);
    expect(again.statements).toEqual([]);
    // Another limit is another figure; the posts per month of the period are kept.
    const more = await app.current.graphql(counts, { variables: { ...variables, first: 4 } });
    expectNoErrors(more);
    expect(more.statements).toHaveLength(2);
  });

  it("refuses a backwards, endless or oversized request, naming the argument", async () => {
    const ask = (from: string, to: string, first = 10) => app.current.graphql(STATS, { variables: { from, to, first } });
    expect((await ask("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z")).body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "from" } }]);
    expect((await ask("1990-01-01T00:00:00Z", "2026-01-01T00:00:00Z")).body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "to" } }]);
    expect((await ask("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", 51)).body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "first" } }]);
  });

  it.runIf(kind === "postgres")("reads each figure through an index on the period's column", async () => {
    const prisma = app.current.app.database.prisma;
    // Years of history outside the period, analysed as the seed leaves it: on a
    // dozen rows any index is as cheap as any other, on this much only the
    // period's column narrows the read.
    await prisma.$executeRaw`
      INSERT INTO posts (author_id, title, slug, body, status, published_at, created_at, updated_at)
      SELECT (SELECT min(id) FROM users), 'Old ' || g, 'old-' || g, 'Words.', 'PUBLISHED', ts, ts, ts
      FROM generate_series(1, 5000) AS g, LATERAL (SELECT timestamp '2020-01-01' + g * interval '6 hours' AS ts) AS t`;
    await prisma.$executeRaw`
      INSERT INTO post_tags (post_id, tag_id)
      SELECT p.id, (SELECT min(id) FROM tags) + p.id % 5 FROM posts AS p WHERE p.slug LIKE 'old-%'`;
    await prisma.$executeRaw`
      INSERT INTO comments (post_id, author_id, body, created_at)
      SELECT p.id, p.author_id, 'Old.', p.published_at FROM posts AS p WHERE p.slug LIKE 'old-%'`;
    await refreshStatistics(prisma, ["posts", "post_tags", "comments"]);
    const explain = async (sql: string) =>
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return (await tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN ${sql}`)).map((row) => row["QUERY PLAN"]).join("\n");
      });
    const period = `>= '2026-01-01' AND %s < '2026-02-01'`;
    expect(await explain(`SELECT count(*) FROM posts WHERE status = 'PUBLISHED' AND published_at ${period.replace("%s", "published_at")}`)).toMatch(/posts_status_published_at_id_idx/);
    expect(await explain(`SELECT tag_id, count(*) FROM post_tags WHERE published_at ${period.replace("%s", "published_at")} GROUP BY tag_id`)).toMatch(/post_tags_published_at_tag_id_idx/);
    expect(await explain(`SELECT count(*) FROM comments WHERE created_at ${period.replace("%s", "created_at")}`)).toMatch(/comments_created_at_post_id_idx/);
  });
});
