/**
 * npm run bench:credits: W6 alone (see bench/lib/credits.ts), printed and
 * written to bench/results/<time>-w6.md; `npm run bench` runs it too, with
 * the rest.
 * BENCH_DATABASE_URL and BENCH_QUICK=1 as for npm run bench.
 *
 * An A/B of the write path: npm run bench:credits -- '<variants JSON>', with
 * variants as for npm run bench:ab (`[{"name":"base","dir":"/tmp/ab-base"},
 * {"name":"new"}]`): every variant races the ceiling in the same rounds,
 * and each later one is reported over the first. W6_ROUNDS sets the rounds.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { creditsBenchmark, renderCredits } from "./lib/credits.js";
import { pinProcesses, type ServerVariant } from "./lib/processes.js";

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const AUTH_SECRET = "benchmark-secret-benchmark-secret-benchmark";

// As npm run bench: servers on core 0, PostgreSQL and this process (the load) on core 1.
execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
const postgresPids = spawnSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
const unpin = pinProcesses(postgresPids, 1);
const variants = process.argv[2] ? (JSON.parse(process.argv[2]) as ServerVariant[]) : undefined;
const result = await creditsBenchmark({
  adminUrl: ADMIN_URL,
  quick: process.env.BENCH_QUICK === "1",
  variants,
  rounds: process.env.W6_ROUNDS ? Number(process.env.W6_ROUNDS) : undefined,
  serverCore: 0,
  poolSize: 10,
  authSecret: AUTH_SECRET,
  inkwellEnv: (url) => ({ NODE_ENV: "production", AUTH_SECRET, LOG_LEVEL: "warn", DATABASE_URL: url, DB_POOL_SIZE: "10" }),
}).finally(unpin);
const report = `${renderCredits(result)}\n\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}; ` +
  `the server pinned to core 0, PostgreSQL and the load to core 1; pool size 10; ${process.env.BENCH_QUICK === "1" ? "2" : "10"} s per system after a 1 s warm-up.`;
console.log(`\n${report}`);
if (process.env.BENCH_QUICK !== "1" && !variants) {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
  await writeFile(`bench/results/${stamp}-w6.md`, `${report}\n`);
  console.log(`Wrote bench/results/${stamp}-w6.md`);
}
