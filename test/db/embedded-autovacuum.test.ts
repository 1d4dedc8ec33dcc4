import { describe, expect, it } from "vitest";
import { AUTOVACUUM_DEFAULTS, upkeepDue, type TableActivity } from "../../src/db/embedded-autovacuum.js";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { addComment, createPost, signUp } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const quiet: Omit<TableActivity, "table"> = { rows: 1000, deadRows: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0 };

/**
 * PGlite has no autovacuum: the embedded database runs one of its own,
 * with PostgreSQL's rules and defaults (src/db/embedded-autovacuum.ts).
 */
describe("the embedded database's autovacuum rules", () => {
  it("vacuums past 50 dead rows plus a fifth of the table, or 1,000 inserted rows plus a fifth", () => {
    expect(upkeepDue([{ table: "posts", ...quiet, deadRows: 250 }])).toEqual([]);
    expect(upkeepDue([{ table: "posts", ...quiet, deadRows: 251 }])).toEqual([{ table: "posts", vacuum: true, analyze: false }]);
    expect(upkeepDue([{ table: "comments", ...quiet, insertedSinceVacuum: 1200 }])).toEqual([]);
    expect(upkeepDue([{ table: "comments", ...quiet, insertedSinceVacuum: 1201 }])).toEqual([{ table: "comments", vacuum: true, analyze: false }]);
  });

  it("analyzes past 50 changed rows plus a tenth of the table, a table never analyzed from its 51st", () => {
    expect(upkeepDue([{ table: "tags", ...quiet, modifiedSinceAnalyze: 150 }])).toEqual([]);
    expect(upkeepDue([{ table: "tags", ...quiet, modifiedSinceAnalyze: 151 }])).toEqual([{ table: "tags", vacuum: false, analyze: true }]);
    expect(upkeepDue([{ table: "tags", ...quiet, rows: 0, modifiedSinceAnalyze: 51 }])).toEqual([{ table: "tags", vacuum: false, analyze: true }]);
    expect(AUTOVACUUM_DEFAULTS).toMatchObject({ vacuumThreshold: 50, vacuumScaleFactor: 0.2, analyzeThreshold: 50, analyzeScaleFactor: 0.1 });
  });
});

interface TableState {
  /** The table with its indexes, on disk. */
  totalBytes: number;
  deadRows: number;
  vacuums: number;
  analyzes: number;
}

async function tableState(t: TestApp, table: string): Promise<TableState> {
  // Statistics reach the shared counters at most once a second unless asked.
  await t.app.database.sql.query(Prisma.sql`SELECT pg_stat_force_next_flush()`);
  const [row] = await t.app.database.sql.query<TableState>(Prisma.sql`
    SELECT pg_total_relation_size(relid)::float8 AS "totalBytes", n_dead_tup::float8 AS "deadRows",
           vacuum_count::float8 AS "vacuums", analyze_count::float8 AS "analyzes"
      FROM pg_stat_user_tables WHERE relname = ${table} AND schemaname = current_schema()`);
  return row!;
}

/** Waits for a round of the autovacuum that vacuums `table` after `before`, and answers the table's state after it. */
async function vacuumedAfter(t: TestApp, table: string, before: TableState): Promise<TableState> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const now = await tableState(t, table);
    if (now.vacuums > before.vacuums) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${table} was not vacuumed within 10 s`);
}

/** An app with a post, and a reader whose every comment rewrites the post's row (its comment count), leaving the old version dead. */
async function commentedPost(autovacuumSeconds: string): Promise<{ t: TestApp; comment(count: number): Promise<void> }> {
  const t = await startTestApp("pglite", { env: { PGLITE_AUTOVACUUM_S: autovacuumSeconds } });
  const writer = await signUp(t);
  const reader = await signUp(t);
  const post = await createPost(t, writer);
  return {
    t,
    async comment(count) {
      for (let i = 0; i < count; i += 1) await addComment(t, reader, post.id);
    },
  };
}

describe("the embedded database's autovacuum, running", () => {
  it("reclaims the post rows every comment leaves dead, and analyzes the tables the comments changed", async () => {
    const { t, comment } = await commentedPost("1");
    try {
      await comment(150);
      const before = await tableState(t, "posts");
      expect(before.deadRows + before.vacuums).toBeGreaterThan(0);
      const after = await vacuumedAfter(t, "posts", before);
      expect(after.deadRows).toBeLessThanOrEqual(AUTOVACUUM_DEFAULTS.vacuumThreshold);
      expect((await tableState(t, "comments")).analyzes).toBeGreaterThan(0);
      // A table nobody writes to is left alone.
      expect((await tableState(t, "transfers")).vacuums).toBe(0);

      const rounds = t.logs.filter((line) => line.message === "embedded database vacuumed");
      expect(rounds.some((line) => (line.vacuumed as string[]).includes("posts"))).toBe(true);
      expect(rounds.some((line) => (line.analyzed as string[]).includes("comments"))).toBe(true);
    } finally {
      await t.close();
    }
    expect(t.logs.filter((line) => line.level === "warn" || line.level === "error")).toEqual([]);
  }, 60_000);

  it("is off with PGLITE_AUTOVACUUM_S=0, and then the posts table grows with every comment", async () => {
    const { t, comment } = await commentedPost("0");
    try {
      const before = await tableState(t, "posts");
      await comment(150);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after = await tableState(t, "posts");
      expect(after.vacuums).toBe(0);
      expect(after.deadRows).toBeGreaterThanOrEqual(before.deadRows + 150);
      expect(after.totalBytes).toBeGreaterThan(before.totalBytes);
    } finally {
      await t.close();
    }
  }, 60_000);
});
