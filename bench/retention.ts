/**
 * npm run bench:retention [W0,W1,W2]
 *
 * What a request leaves behind for the garbage collector: Inkwell in this
 * process, on a seeded PostgreSQL database (BENCH_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/inkwell_ab, seeded as for bench:ab),
 * answers each workload's first page one request at a time; after each one
 * has finished, a young-generation collection runs, and the heap's growth is
 * what that collection kept. A request's garbage should all be young and
 * die there; whatever survives is copied, then promoted, and is what makes
 * a scavenge under load slow (bench/README.md, "Where a big request's
 * time goes"). The same measure over plain `pg` reading 250 rows is the control.
 * Counts bytes, not time, so the machine's noise does not move it much
 * (bench/lib/retention.ts).
 */
import pg from "pg";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { keptPerRun } from "./lib/retention.js";
import { QUERIES, type WorkloadName } from "./lib/workloads.js";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/inkwell_ab";

/** The workloads answered without variables of their own: a first page, or nothing to page. */
const READ_WORKLOADS: readonly WorkloadName[] = ["W0", "W1", "W2"];

const workloads = (process.argv[2] ?? "W0,W1,W2").split(",") as WorkloadName[];
const AUTH_SECRET = process.env.AUTH_SECRET ?? "benchmark-secret-benchmark-secret-benchmark";
const app = await createApp(loadConfig({ ...process.env, DATABASE_URL, AUTH_SECRET, NODE_ENV: "production", LOG_LEVEL: "warn" }));
try {
  for (const workload of workloads) {
    const query = QUERIES.inkwell[workload];
    if (!query || !READ_WORKLOADS.includes(workload)) throw new Error(`${workload}: only ${READ_WORKLOADS.join(", ")}, the standard data's reads without variables`);
    const body = JSON.stringify({ query, variables: { after: null } });
    const kept = await keptPerRun(async () => {
      const response = await app.yoga.fetch("http://inkwell/graphql", { method: "POST", headers: { "content-type": "application/json" }, body });
      const answer = (await response.json()) as { errors?: unknown };
      if (answer.errors) throw new Error(`${workload}: ${JSON.stringify(answer.errors)}`);
    });
    console.log(`${workload}  Inkwell: ${kept.toFixed(0)} KiB kept per request past a young-generation collection`);
  }
} finally {
  await app.close();
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
try {
  const statement = { name: "retention_control", text: "SELECT id, body, author_id, created_at FROM comments ORDER BY id LIMIT 250" };
  const kept = await keptPerRun(async () => void (await pool.query(statement)));
  console.log(`control  pg alone, 250 rows: ${kept.toFixed(0)} KiB kept per query`);
} finally {
  await pool.end();
}
