import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Progress } from "../../src/jobs/progress.js";
import { parseAge, purgeDrafts } from "../../src/jobs/purge-drafts.js";
import { rowId, usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";
import { analyzeCounts, analyzedSince } from "../support/statistics.js";

const quiet = (): Progress => ({ advance: () => undefined, done: () => undefined });
const DAY = 86_400_000;

describe.each(testDatabaseKinds)("the purge-drafts job on %s", (kind) => {
  const app = useTestApp(kind);

  it("deletes only drafts untouched past the cutoff, resumes after an interruption with the same cutoff, and audits each once", async () => {
    const prisma = app.current.app.database.prisma;
    const [writer] = await usersWithTokens(app.current, 1);
    const authorId = rowId(writer!.id);
    const make = async (status: "DRAFT" | "PUBLISHED", ageDays: number) => {
      const slug = unique("purge").replace(/[^a-z0-9]/g, "");
      const post = await prisma.post.create({ data: { authorId, title: slug, slug, body: "Words.", status, publishedAt: status === "PUBLISHED" ? new Date() : null } });
      await prisma.$executeRaw`UPDATE posts SET updated_at = now() - make_interval(days => ${ageDays}) WHERE id = ${post.id}`;
      return post.id;
    };
    const stale = [];
    for (let i = 0; i < 7; i += 1) stale.push(await make("DRAFT", 100 + i));
    const fresh = [await make("DRAFT", 10), await make("DRAFT", 89)];
    const published = [await make("PUBLISHED", 400)];
    await prisma.comment.create({ data: { postId: stale[0]!, authorId, body: "On a draft." } });

    const controller = new AbortController();
    const stopping = (): Progress => ({ advance: () => controller.abort(), done: () => undefined });
    const first = await purgeDrafts(prisma, { olderThanMs: 90 * DAY, chunkSize: 3, signal: controller.signal, progress: stopping });
    expect(first).toMatchObject({ interrupted: true, rows: 3, changed: { posts: 3 }, chunks: 1 });

    // Resumed with a looser age, as a careless rerun might: the saved cutoff wins.
    const tables = ["posts", "comments", "post_tags", "audit_events"] as const;
    const before = await analyzeCounts(prisma, tables);
    const second = await purgeDrafts(prisma, { olderThanMs: 1 * DAY, chunkSize: 3, progress: quiet });
    expect(await analyzedSince(prisma, before)).toEqual([...tables].sort());
    expect([...second.analyzed].sort()).toEqual([...tables].sort());
    expect(second).toMatchObject({ interrupted: false, resumed: true, rows: 7, changed: { posts: 7 }, params: first.params });
    const left = await prisma.post.findMany({ where: { authorId }, orderBy: { id: "asc" }, select: { id: true } });
    expect(left.map((post) => post.id)).toEqual([...fresh, ...published].sort((a, b) => a - b));
    expect(await prisma.comment.count({ where: { postId: stale[0]! } })).toBe(0);
    const audits = await prisma.auditEvent.groupBy({ by: ["entityId"], where: { action: "post.purge", entityId: { in: stale.map(String) } }, _count: true });
    expect(audits).toHaveLength(7);
    expect(audits.every((row) => row._count === 1)).toBe(true);
    expect(await prisma.jobCheckpoint.count({ where: { name: "purge-drafts" } })).toBe(0);
  });
});

describe("purge-drafts from the command line", () => {
  it("parses ages and refuses a run without one", async () => {
    expect([parseAge("90d"), parseAge("12h"), parseAge("30m"), parseAge("45s")]).toEqual([90 * DAY, 12 * 3_600_000, 30 * 60_000, 45_000]);
    expect([parseAge("90"), parseAge("-1d"), parseAge("1w"), parseAge("9999999d")]).toEqual([null, null, null, null]);
    const dir = await mkdtemp(path.join(tmpdir(), "inkwell-job-"));
    try {
      const env = { ...process.env, NODE_ENV: "development", PGLITE_DIR: dir };
      const missing = spawnSync(process.execPath, ["--import", "tsx", "src/cli/job.ts", "purge-drafts"], { env, encoding: "utf8" });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain("purge-drafts needs --older-than <age>");
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/job.ts", "purge-drafts", "--older-than", "90d"], { env, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^purge-drafts: 0 rows in 0 chunks, .* \(cutoff \d{4}-\d\d-\d\dT.*Z\)\. Deleted: posts 0\.$/m);
      const reindex = spawnSync(process.execPath, ["--import", "tsx", "src/cli/job.ts", "reindex-search"], { env, encoding: "utf8" });
      expect(reindex.status).toBe(0);
      expect(reindex.stdout).toContain("GENERATED ALWAYS");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
