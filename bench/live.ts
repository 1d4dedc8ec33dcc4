/**
 * npm run bench:live: the live-update fan-out and the scale-out measurements
 * alone, on a database of their own (npm run bench runs them too, after
 * the workloads). Prints the report; writes nothing.
 *
 * BENCH_DATABASE_URL  the server to use (default postgresql://postgres@127.0.0.1:5432/postgres)
 * REDIS_URL           the Redis the instances share (default redis://127.0.0.1:6379)
 * BENCH_QUICK=1       a short run, to check the harness
 */
import { execFileSync, spawnSync } from "node:child_process";
import pg from "pg";
import { deploymentOf } from "../src/auth/deployment.js";
import { createTokenService } from "../src/auth/tokens.js";
import { loadConfig } from "../src/config.js";
import { databaseUrl, firstUser, seed } from "./lib/database.js";
import { benchmarkInputs, collectCursors, DATASETS, requestBodies } from "./lib/inputs.js";
import { fanOutBenchmark, liveSettings, renderLive, scaleOutBenchmark } from "./lib/live.js";
import { inkwellServerScript, pinProcesses } from "./lib/processes.js";
import { QUERIES } from "./lib/workloads.js";

const QUICK = process.env.BENCH_QUICK === "1";
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const DATABASE = "inkwell_bench_live";
const AUTH_SECRET = "benchmark-secret-benchmark-secret-benchmark";

const inkwellEnv = (url: string) => ({ NODE_ENV: "production", AUTH_SECRET, LOG_LEVEL: "warn", DATABASE_URL: url, DB_POOL_SIZE: "10" });

async function main() {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  // As npm run bench: this process (the load) and PostgreSQL on core 1.
  execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  const postgresPids = spawnSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
  const unpin = pinProcesses(postgresPids, 1);
  const url = databaseUrl(ADMIN_URL, DATABASE);
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await seed({ DATABASE_URL: url }, DATASETS.standard.seed);
    const settings = liveSettings(QUICK);
    const fanOut = await fanOutBenchmark({ databaseUrl: url, redisUrl: REDIS_URL, authSecret: AUTH_SECRET, env: inkwellEnv, ...settings.fanOut, log: console.log });
    const inputs = await benchmarkInputs(url);
    const cursors = await collectCursors("inkwell", inkwellServerScript(), inkwellEnv(url), inputs, 0);
    const token = await createTokenService(AUTH_SECRET, 3600, deploymentOf(loadConfig({ DATABASE_URL: url }).database)).issue(await firstUser(url));
    const bodies = requestBodies(QUERIES.inkwell, inputs, cursors, token);
    const scaleOut = await scaleOutBenchmark({ env: inkwellEnv(url), bodies: { W1: bodies.W1!.next, W2: bodies.W2!.next }, settings: settings.rounds, log: console.log });
    console.log(`\n${renderLive(fanOut, scaleOut, settings.rounds)}`);
  } finally {
    unpin();
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

await main();
