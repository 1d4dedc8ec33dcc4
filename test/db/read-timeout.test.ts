import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl } from "../support/databases.js";

/**
 * pg's client-side read timeout (`query_timeout`), which every pooled
 * connection has (DB_QUERY_TIMEOUT_MS, src/db/client.ts), as patched in
 * patches/pg+8.23.1.patch: it still fails a statement the database does not
 * answer in time, and it no longer keeps the result of every statement it
 * guarded alive past the next young-generation collection (as shipped, the
 * 250 rows below, about 50 KiB, survived each one; a W1 request kept 104
 * KiB, `npm run bench:retention`).
 */
type Collect = (options: { type: "minor" | "major"; execution: "sync" }) => void;

/** The collector, for this test only: a flag set at run time, then the function read from a fresh context. */
function collector(): Collect {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as Collect;
}

const ROWS = { text: "SELECT g AS id, repeat('inkwell ', 12) || g AS body FROM generate_series(1, 250) AS g" };

describe.runIf(process.env.TEST_DATABASE_URL)("pg's read timeout", () => {
  let pool: pg.Pool;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: serverUrl(), max: 2, query_timeout: 500 });
  });

  afterAll(async () => {
    await pool.end();
  });

  it("fails a statement the database has not answered in time, and the pool serves the next one", async () => {
    await expect(pool.query("SELECT pg_sleep(5)")).rejects.toThrow("Query read timeout");
    const { rows } = await pool.query("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("keeps no result it guarded past the next young-generation collection", async () => {
    const collect = collector();
    // Rows counted, not asserted one by one: the test runner keeps what an assertion was given.
    let rows = 0;
    for (let i = 0; i < 100; i += 1) rows += (await pool.query(ROWS)).rows.length;
    collect({ type: "major", execution: "sync" });
    const growth: number[] = [];
    let before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i += 1) {
      rows += (await pool.query(ROWS)).rows.length;
      collect({ type: "minor", execution: "sync" });
      const after = process.memoryUsage().heapUsed;
      growth.push(after - before);
      before = after;
    }
    expect(rows).toBe(140 * 250);
    growth.sort((a, b) => a - b);
    // As shipped, about 50 KiB a statement; patched, the few KiB any pooled statement leaves.
    expect(growth[growth.length / 2]! / 1024).toBeLessThan(16);
  });
});
