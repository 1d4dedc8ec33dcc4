import { beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { SqlLog, withSqlLog } from "../../src/db/sql-log.js";
import type { JobOptions, JobReport } from "../../src/jobs/chunked-job.js";
import type { Progress } from "../../src/jobs/progress.js";
import { purgeDrafts } from "../../src/jobs/purge-drafts.js";
import { recount } from "../../src/jobs/recount.js";
import type { PrismaClient } from "../../src/db/generated/prisma/client.js";
import { testDatabaseKinds } from "../support/databases.js";
import { limitEstimateGeneric } from "../support/plans.js";
import { useTestApp } from "../support/test-app.js";

/**
 * A job's chunk is planned as a chunk, like a page (src/db/planned-limit.ts):
 * under the generic plan a prepared statement may settle on, no LIMIT in a
 * statement that picks a chunk expects more rows than the chunk holds. With
 * the size bound as `LIMIT $n`, PostgreSQL would expect a tenth of the rows
 * behind it (here 1,000 posts, so more than the chunk of 2) and could pick a
 * scan and a sort over the primary key's walk.
 */
const CHUNK = 2;
const YEAR = 365 * 86_400_000;

const jobs: { name: string; run: (prisma: PrismaClient, options: JobOptions) => Promise<JobReport | unknown> }[] = [
  { name: "recount", run: (prisma, options) => recount(prisma, options) },
  // A cutoff in the future, so every draft is past it and a chunk is full.
  { name: "purge-drafts", run: (prisma, options) => purgeDrafts(prisma, { ...options, olderThanMs: 1, now: new Date(Date.now() + YEAR) }) },
];

describe.each(testDatabaseKinds)("job chunks on %s", (kind) => {
  const app = useTestApp(kind);

  beforeAll(async () => {
    const prisma = app.current.app.database.prisma;
    await seedDatabase(prisma, { users: 20, postsPerUser: 50, commentsPerPost: 0, draftEvery: 2 });
    await prisma.$executeRawUnsafe("ANALYZE");
  }, 120_000);

  it.each(jobs)("$name picks each chunk with a LIMIT planned for the chunk's rows", async ({ run }) => {
    const prisma = app.current.app.database.prisma;
    // Two chunks are enough to see the statements; the rest of the run would repeat them.
    const controller = new AbortController();
    let chunks = 0;
    const progress = (): Progress => ({ advance: () => (chunks += 1) === 2 && controller.abort(), done: () => undefined });
    const log = new SqlLog();
    await withSqlLog(log, () => run(prisma, { chunkSize: CHUNK, signal: controller.signal, progress }));
    expect(chunks).toBe(2);

    // The statements that pick a chunk: reads with a LIMIT (EXPLAIN ANALYZE runs what it explains,
    // so writes are left out; theirs are keyed on the ids a read picked).
    const picks = log.entries.filter((statement) => /^\s*SELECT\b/i.test(statement.sql) && /\bLIMIT\b/i.test(statement.sql) && /"posts"/.test(statement.sql));
    expect(picks.length, log.statements.join("\n---\n")).toBeGreaterThanOrEqual(2);
    for (const statement of picks) expect(await limitEstimateGeneric(prisma, statement), statement.sql).toBeLessThanOrEqual(CHUNK);
  });
});
