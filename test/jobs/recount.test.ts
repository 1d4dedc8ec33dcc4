import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { recount } from "../../src/jobs/recount.js";
import type { Progress } from "../../src/jobs/progress.js";
import { testDatabaseKinds } from "../support/databases.js";
import { useTestApp } from "../support/test-app.js";
import { analyzeCounts, analyzedSince } from "../support/statistics.js";

const quiet = (): Progress => ({ advance: () => undefined, done: () => undefined });

describe.each(testDatabaseKinds)("the recount job on %s", (kind) => {
  const app = useTestApp(kind);

  it("fixes every drifted counter, and after an interruption continues where it stopped, doing no row twice", async () => {
    const prisma = app.current.app.database.prisma;
    await seedDatabase(prisma, { users: 4, postsPerUser: 5, commentsPerPost: 2, draftEvery: 5 });
    const posts = await prisma.post.findMany({ orderBy: { id: "asc" }, select: { id: true, commentCount: true } });
    // Drift, written past the triggers that normally prevent it.
    await prisma.$executeRaw`UPDATE posts SET comment_count = comment_count + 7 WHERE id IN (${posts[1]!.id}, ${posts[12]!.id}, ${posts[19]!.id})`;
    // post_tags' trigger would put published_at right again at once; drift there comes from bulk loads
    // with triggers off (a restore, say), so the test writes it that way.
    await prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      await tx.$executeRaw`UPDATE post_tags SET published_at = NULL WHERE post_id = ${posts[3]!.id}`;
    });
    expect(await prisma.postTag.count({ where: { postId: posts[3]!.id, publishedAt: null } })).toBe(2);
    await prisma.$executeRaw`UPDATE credit_accounts SET balance = 5 WHERE id = (SELECT max(id) FROM credit_accounts)`;
    // A tag's count, written past its triggers; the links above also leave their tags counted one too few
    // once their published_at is put right (the triggers were off when it was cleared).
    const tags = await prisma.tag.findMany({ orderBy: { id: "asc" }, select: { id: true, postCount: true } });
    const drifted = await prisma.postTag.findMany({ where: { postId: posts[3]!.id }, select: { tagId: true } });
    const untouched = tags.find((tag) => !drifted.some((link) => link.tagId === tag.id))!;
    await prisma.$executeRaw`UPDATE tags SET post_count = post_count + 4 WHERE id = ${untouched.id}`;
    // Two authors' counts: one off by two drafts, one lost altogether (the triggers make a row at a first post only).
    const authorCounts = await prisma.authorPostCount.findMany({ orderBy: { authorId: "asc" } });
    expect(authorCounts.length).toBeGreaterThanOrEqual(2);
    await prisma.$executeRaw`UPDATE author_post_counts SET drafts = drafts + 2 WHERE author_id = ${authorCounts[0]!.authorId}`;
    await prisma.$executeRaw`DELETE FROM author_post_counts WHERE author_id = ${authorCounts[1]!.authorId}`;

    // Stopped after two chunks, as Ctrl-C would.
    const controller = new AbortController();
    let chunks = 0;
    const stopping = (): Progress => ({
      advance: () => {
        chunks += 1;
        if (chunks === 2) controller.abort();
      },
      done: () => undefined,
    });
    const first = await recount(prisma, { chunkSize: 3, signal: controller.signal, progress: stopping });
    expect(first).toMatchObject({ interrupted: true, rows: 6, chunks: 2 });
    expect(await prisma.jobCheckpoint.count()).toBe(1);

    const tables = ["posts", "post_tags", "tags", "author_post_counts", "credit_accounts", "comments"] as const;
    const before = await analyzeCounts(prisma, tables);
    const second = await recount(prisma, { chunkSize: 3, progress: quiet });
    const accounts = await prisma.creditAccount.count();
    const users = await prisma.user.count();
    // Every post twice (two phases), every tag, user and account once, each exactly once across both runs.
    expect(second).toMatchObject({
      interrupted: false,
      resumed: true,
      rows: posts.length * 2 + tags.length + users + accounts,
      fixed: {
        "posts.comment_count": 3,
        "post_tags.published_at": 2,
        "tags.post_count": drifted.length + 1,
        author_post_counts: 2,
        "credit_accounts.balance": 1,
      },
    });
    expect(await prisma.jobCheckpoint.count()).toBe(0);
    // Statistics refreshed for the tables it rewrote rows in, and only those.
    expect([...second.analyzed].sort()).toEqual(["author_post_counts", "credit_accounts", "post_tags", "posts", "tags"]);
    expect(await analyzedSince(prisma, before)).toEqual(["author_post_counts", "credit_accounts", "post_tags", "posts", "tags"]);
    const after = await prisma.post.findMany({ orderBy: { id: "asc" }, select: { id: true, commentCount: true } });
    expect(after).toEqual(posts);
    expect(await prisma.tag.findMany({ orderBy: { id: "asc" }, select: { id: true, postCount: true } })).toEqual(tags);
    expect(await prisma.authorPostCount.findMany({ orderBy: { authorId: "asc" } })).toEqual(authorCounts);
    expect(await prisma.postTag.count({ where: { postId: posts[3]!.id, publishedAt: null } })).toBe(0);

    // Nothing left to fix: a fresh run starts over, fixes nothing and analyzes nothing.
    expect(await recount(prisma, { chunkSize: 50, progress: quiet })).toMatchObject({
      resumed: false,
      fixed: { "posts.comment_count": 0, "post_tags.published_at": 0, "tags.post_count": 0, author_post_counts: 0, "credit_accounts.balance": 0 },
      analyzed: [],
    });
  });
});

describe("npm run job", () => {
  it("runs recount on the embedded database, with plain progress lines outside a terminal, and exits 0", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "inkwell-job-"));
    try {
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/job.ts", "recount", "--chunk-size", "2"], {
        env: { ...process.env, NODE_ENV: "development", PGLITE_DIR: dir },
        encoding: "utf8",
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^recount: 1 rows in 1 chunks, .* Fixed: posts\.comment_count 0, post_tags\.published_at 0, tags\.post_count 0, author_post_counts 0, credit_accounts\.balance 0\.$/m);
      expect(run.stderr).toMatch(/^recount credit_accounts\.balance: 1\/1 rows \(100%\), \d+ rows\/s$/m);
      const bad = spawnSync(process.execPath, ["--import", "tsx", "src/cli/job.ts", "nonsense"], { env: { ...process.env, PGLITE_DIR: dir }, encoding: "utf8" });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('unknown job "nonsense"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
