import { describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { testDatabaseKinds } from "../support/databases.js";
import { analyzeCounts, analyzedSince } from "../support/statistics.js";
import { startTestApp, useTestApp, type TestApp } from "../support/test-app.js";

async function snapshot(t: TestApp) {
  const prisma = t.app.database.prisma;
  return {
    users: await prisma.user.findMany({ orderBy: { id: "asc" }, select: { handle: true, email: true, createdAt: true } }),
    posts: await prisma.post.findMany({
      orderBy: { id: "asc" },
      select: { slug: true, title: true, body: true, status: true, publishedAt: true, commentCount: true,
        tagLinks: { select: { publishedAt: true, tag: { select: { name: true } } }, orderBy: { tag: { name: "asc" } } } },
    }),
    comments: await prisma.comment.findMany({ orderBy: { id: "asc" }, select: { body: true, createdAt: true, post: { select: { slug: true } }, author: { select: { handle: true } } } }),
  };
}

describe("the seed command's data", () => {
  it("is the same on every run, with the counts asked for, and keeps commentCount and tag links true", async () => {
    const options = { users: 7, postsPerUser: 3, commentsPerPost: 2, draftEvery: 4 };
    const [a, b] = [await startTestApp("pglite"), await startTestApp("pglite")];
    try {
      expect(await seedDatabase(a.app.database.prisma, options)).toEqual({ users: 7, posts: 21, comments: 32, tags: 20 });
      await seedDatabase(b.app.database.prisma, options);
      const [first, second] = [await snapshot(a), await snapshot(b)];
      expect(second).toEqual(first);
      for (const post of first.posts) {
        expect(first.comments.filter((comment) => comment.post.slug === post.slug)).toHaveLength(post.commentCount);
        expect(post.tagLinks).toHaveLength(2);
        // The post_tags trigger mirrors the post's publication: its time while published, null for a draft.
        for (const link of post.tagLinks) expect(link.publishedAt).toEqual(post.status === "PUBLISHED" ? post.publishedAt : null);
      }
      await expect(seedDatabase(a.app.database.prisma, options)).rejects.toThrow(/already has users/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // Two embedded databases, each migrated by the WASM schema engine: slow on a busy machine.
  }, 120_000);
});

describe.each(testDatabaseKinds)("statistics after the seed on %s", (kind) => {
  const app = useTestApp(kind);

  it("are refreshed for every table the seed loaded, so the planner sees the deep data it just got", async () => {
    const prisma = app.current.app.database.prisma;
    const tables = ["users", "profiles", "credit_accounts", "tags", "posts", "post_tags", "comments"] as const;
    const before = await analyzeCounts(prisma, tables);
    await seedDatabase(prisma, { users: 3, postsPerUser: 4, commentsPerPost: 1, hotPosts: 1, hotPostComments: 2_000 });
    expect(await analyzedSince(prisma, before)).toEqual([...tables].sort());
    // The planner's row count for comments is the real one, not the empty table's.
    const [planned] = await prisma.$queryRaw<{ reltuples: number }[]>`
      SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = 'comments'::regclass`;
    expect(planned!.reltuples).toBe(await prisma.comment.count());
  });
});
