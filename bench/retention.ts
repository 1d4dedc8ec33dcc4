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
 * a scavenge under load slow (the README's "Where a big request's time
 * goes"). The same measure over plain `pg` reading 250 rows is the control.
 * Counts bytes, not time, so the machine's noise does not move it much;
 * it needs --expose-gc, which the npm script passes.
 */
import pg from "pg";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { QUERIES, type WorkloadName } from "./lib/workloads.js";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/inkwell_ab";
const WARM_UP = 200;
const MEASURED = 60;

type Collect = (options: { type: "minor" | "major"; execution: "sync" }) => void;
const collect = (globalThis as { gc?: Collect }).gc;
if (!collect) throw new Error("run with node --expose-gc (npm run bench:retention does)");

/** The median heap growth, in KiB, that a young-generation collection after each of `MEASURED` runs of `run` leaves. */
async function retainedPerRun(run: () => Promise<void>): Promise<number> {
  for (let i = 0; i < WARM_UP; i += 1) await run();
  collect!({ type: "major", execution: "sync" });
  let before = process.memoryUsage().heapUsed;
  const growth: number[] = [];
  for (let i = 0; i < MEASURED; i += 1) {
    await run();
    collect!({ type: "minor", execution: "sync" });
    const after = process.memoryUsage().heapUsed;
    growth.push(after - before);
    before = after;
  }
  growth.sort((a, b) => a - b);
  return growth[Math.floor(growth.length / 2)]! / 1024;
}

const workloads = (process.argv[2] ?? "W0,W1,W2").split(",") as WorkloadName[];
const AUTH_SECRET = process.env.AUTH_SECRET ?? "benchmark-secret-benchmark-secret-benchmark";
const app = await createApp(loadConfig({ ...process.env, DATABASE_URL, AUTH_SECRET, NODE_ENV: "production", LOG_LEVEL: "warn" }));
try {
  for (const workload of workloads) {
    const query = QUERIES.inkwell[workload];
    if (!query || workload === "W3") throw new Error(`${workload}: only the read workloads of the standard data (W0, W1, W2)`);
    const body = JSON.stringify({ query, variables: { after: null } });
    const kept = await retainedPerRun(async () => {
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
  const kept = await retainedPerRun(async () => void (await pool.query(statement)));
  console.log(`control  pg alone, 250 rows: ${kept.toFixed(0)} KiB kept per query`);
} finally {
  await pool.end();
}
