/**
 * npm run bench:export: the exporter's peak RSS and rate for 100k and 1M
 * posts, side by side in one run (issue 9: memory must not follow the
 * table's size). Builds a database of its own on BENCH_DATABASE_URL's
 * server, runs `npm run export -- posts --format ndjson` as a child process
 * over 100k posts, adds 900k more, runs it again, and writes
 * bench/results/<time>-export.md.
 */
import { spawnSync } from "node:child_process";
import { rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import pg from "pg";
import { withDatabase } from "../src/db/lifecycle.js";

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE = "inkwell_bench_export";
const url = new URL(ADMIN_URL);
url.pathname = `/${DATABASE}`;

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${DATABASE}`);
await admin.end();
const env = { ...process.env, NODE_ENV: "production", AUTH_SECRET: "benchmark-secret-benchmark-secret-benchmark", LOG_LEVEL: "warn", DATABASE_URL: url.toString() };
await withDatabase(async () => undefined, { migrate: "always", env });

const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
await db.query(`INSERT INTO users (email, handle, name, password_hash, updated_at) VALUES ('bench@example.com', 'bench', 'Bench', 'x', now())`);
async function addPosts(from: number, to: number): Promise<void> {
  // Bodies of about 300 characters, a tenth of them drafts.
  await db.query(
    `INSERT INTO posts (author_id, title, slug, body, status, published_at, updated_at)
     SELECT 1, 'Post number ' || g, 'post-' || g, repeat('A sentence of a body. ', 14) || g,
            CASE WHEN g % 10 = 0 THEN 'DRAFT' ELSE 'PUBLISHED' END::"PostStatus", CASE WHEN g % 10 = 0 THEN NULL ELSE now() END, now()
     FROM generate_series($1::int, $2::int) AS g`,
    [from, to],
  );
}

interface Run {
  rows: number;
  seconds: number;
  peakRssMb: number;
  fileMb: number;
}

async function exportOnce(): Promise<Run> {
  const out = `${os.tmpdir()}/inkwell-bench-export.ndjson`;
  const startedAt = performance.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/export.ts", "posts", "--format", "ndjson", "--out", out], { env, encoding: "utf8" });
  const seconds = (performance.now() - startedAt) / 1000;
  if (run.status !== 0) throw new Error(`export failed: ${run.stderr}`);
  const summary = /export posts: (\d+) rows .* peak RSS (\d+) MB/.exec(run.stderr);
  if (!summary) throw new Error(`no summary in: ${run.stderr}`);
  const fileMb = (await stat(out)).size / 1e6;
  await rm(out);
  return { rows: Number(summary[1]), seconds, peakRssMb: Number(summary[2]), fileMb };
}

await addPosts(1, 100_000);
await db.query("VACUUM ANALYZE posts");
const small = await exportOnce();
await addPosts(100_001, 1_000_000);
await db.query("VACUUM ANALYZE posts");
const large = await exportOnce();
await db.end();

const line = (run: Run) =>
  `| ${run.rows.toLocaleString("en")} | ${run.peakRssMb} MB | ${run.fileMb.toFixed(0)} MB | ${run.seconds.toFixed(1)} s | ${Math.round(run.rows / run.seconds).toLocaleString("en")} |`;
const report = `## Exporter: peak RSS against table size

\`npm run export -- posts --format ndjson --out FILE\` on PostgreSQL, chunks of 1,000, one process per run (wall time includes Node's start).

| posts | peak RSS | file | wall time | rows/s |
| --- | --- | --- | --- | --- |
${line(small)}
${line(large)}

Peak RSS at 10× the rows: ${(large.peakRssMb / small.peakRssMb).toFixed(2)}× (flat means about 1×).

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}.`;
console.log(report);
const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
await writeFile(`bench/results/${stamp}-export.md`, `${report}\n`);
console.log(`Wrote bench/results/${stamp}-export.md`);
process.exit(0);
