/**
 * npm run bench: Inkwell against a naive resolver, PostGraphile, a
 * hand-written ceiling and an http floor, on one seeded PostgreSQL database,
 * side by side in one run. Prints a table of ratios and writes it to
 * bench/results/ and the README's Performance section.
 *
 * Servers run pinned to core 0; PostgreSQL and the load generator (this
 * process) to core 1. Every system gets the same pool size. Answers are
 * checked for equivalence before anything is timed; statements per request
 * are counted on the wire, by a proxy in front of PostgreSQL.
 *
 * BENCH_DATABASE_URL  the server to use (default postgresql://postgres@127.0.0.1:5432/postgres)
 * BENCH_QUICK=1       short runs, to check the harness itself
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createTokenService } from "../src/auth/tokens.js";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/client.js";
import { applyMigrations } from "../src/db/migrations.js";
import { postgresMigrationAdapter } from "../src/db/postgres-migrations.js";
import { seedDatabase } from "../src/db/seed.js";
import { createLogger } from "../src/logger.js";
import { CEILING_SQL } from "./systems/ceiling.js";
import { median, runLoad } from "./lib/load.js";
import { NODE_FLAGS, pinProcesses, startServer, type ServerProcess } from "./lib/processes.js";
import { startWireCounter } from "./lib/wire-counter.js";
import { inkwellCursor, normalize, picker, postGlobalId, QUERIES, type Dialect, type WorkloadName } from "./lib/workloads.js";

const QUICK = process.env.BENCH_QUICK === "1";
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BENCH_DB = "inkwell_bench";
const POOL_SIZE = 10;
const CONNECTIONS = 32;
const WARMUP_S = QUICK ? 1 : 2;
const RUN_S = QUICK ? 1 : 4;
const RUNS = QUICK ? 1 : 3;
const LATENCY_S = QUICK ? 1 : 5;
const COUNT_REQUESTS = QUICK ? 3 : 20;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const AUTH_SECRET = "benchmark-secret-benchmark-secret-benchmark";
const SEED = { users: 1000, postsPerUser: 10, commentsPerPost: 5, draftEvery: 0 };

interface System {
  name: string;
  dialect: Dialect;
  script: string;
  workloads: WorkloadName[];
  env: (databaseUrl: string) => Record<string, string>;
  /** Counted from the server's own log (PGlite has no wire to listen on). */
  embedded?: boolean;
}

interface Measurement {
  system: string;
  workload: WorkloadName;
  rps: number;
  /** At a fixed rate of half the ceiling's throughput; null when the system saturates below that rate. */
  p50: number | null;
  p99: number | null;
  /** At a fixed rate of half the system's own saturation throughput. */
  ownP50: number;
  ownP99: number;
  cpuMsPerRequest: number;
  peakRssMiB: number;
  statementsPerRequest: number | null;
  failures: number;
}

function inkwellEnv(extra: Record<string, string> = {}) {
  return (databaseUrl: string) => ({
    NODE_ENV: "production",
    AUTH_SECRET,
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: String(POOL_SIZE),
    ...extra,
  });
}
const plainEnv = (databaseUrl: string) => ({ DATABASE_URL: databaseUrl, DB_POOL_SIZE: String(POOL_SIZE), AUTH_SECRET });

function systems(pgliteDir: string): System[] {
  return [
    { name: "floor", dialect: "inkwell", script: "bench/systems/floor.ts", workloads: ["W0"], env: () => ({}) },
    { name: "ceiling", dialect: "inkwell", script: "bench/systems/ceiling.ts", workloads: ["W0", "W1", "W2"], env: plainEnv },
    { name: "inkwell", dialect: "inkwell", script: "src/server.ts", workloads: ["W0", "W1", "W2", "W3"], env: inkwellEnv() },
    {
      name: "inkwell (relationLoadStrategy=query)",
      dialect: "inkwell",
      script: "src/server.ts",
      workloads: ["W1", "W2"],
      env: inkwellEnv({ DB_RELATION_LOAD_STRATEGY: "query" }),
    },
    {
      name: "inkwell (PGlite)",
      dialect: "inkwell",
      script: "src/server.ts",
      workloads: ["W1"],
      embedded: true,
      env: () => {
        const env: Record<string, string> = { ...inkwellEnv()(""), PGLITE_DIR: pgliteDir, SEED_DEMO_DATA: "false" };
        delete env.DATABASE_URL;
        return env;
      },
    },
    { name: "naive", dialect: "inkwell", script: "bench/systems/naive.ts", workloads: ["W0", "W1", "W2", "W3"], env: plainEnv },
    { name: "postgraphile", dialect: "postgraphile", script: "bench/peers/postgraphile/server.mjs", workloads: ["W0", "W1", "W2"], env: plainEnv },
  ];
}

async function main() {
  const started = Date.now();
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await admin.connect().catch((error: Error) => {
    throw new Error(`cannot reach PostgreSQL at ${ADMIN_URL} (${error.message}); start it or set BENCH_DATABASE_URL`);
  });
  const facts = await machineFacts(admin);
  installPeers();
  console.log(`Machine: ${facts.cores} cores, Node ${facts.node}, ${facts.postgres}`);

  // PostgreSQL and this process (the load generator) share core 1; servers get core 0.
  execFileSync("taskset", ["-p", "-c", String(LOAD_CORE), String(process.pid)], { stdio: "ignore" });
  const postgresPids = spawnSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
  const unpin = pinProcesses(postgresPids, LOAD_CORE);

  const benchUrl = databaseUrl(ADMIN_URL, BENCH_DB);
  const pgliteDir = await mkdtemp(path.join(os.tmpdir(), "inkwell-bench-pglite-"));
  try {
    console.log(`Seeding ${BENCH_DB}: ${SEED.users} users, ${SEED.users * SEED.postsPerUser} posts, ${SEED.users * SEED.postsPerUser * SEED.commentsPerPost} comments`);
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
    await seed({ DATABASE_URL: benchUrl });
    await seed({ PGLITE_DIR: pgliteDir });
    const bench = new pg.Client({ connectionString: benchUrl });
    await bench.connect();
    let plans: string[];
    let inputs: Inputs;
    try {
      await bench.query("ANALYZE");
      plans = await checkCeilingPlans(bench);
      inputs = await benchmarkInputs(bench);
    } finally {
      await bench.end();
    }

    const all = systems(pgliteDir);
    const reference = new Map<string, unknown>();
    const results: Measurement[] = [];
    const ceilingRps = new Map<WorkloadName, number>();
    const postgraphileCursors = await collectPostGraphileCursors(all.find((s) => s.name === "postgraphile")!, benchUrl, inputs);

    for (const system of all) {
      console.log(`\n# ${system.name}`);
      const bodies = requestBodies(system, inputs, postgraphileCursors);
      const statements = await countStatements(system, benchUrl, bodies, reference);
      const server = await startServer({ script: system.script, port: 4300, env: system.env(benchUrl), core: SERVER_CORE });
      try {
        for (const workload of system.workloads) {
          const measurement = await measure(system, workload, server, bodies, statements.get(workload) ?? null, ceilingRps);
          results.push(measurement);
          if (system.name === "ceiling") ceilingRps.set(workload, measurement.rps);
          console.log(
            `  ${workload}: ${measurement.rps.toFixed(0)} req/s, p50/p99 ${fmt(measurement.p50)}/${fmt(measurement.p99)} ms at ½ ceiling, ` +
              `${fmt(measurement.ownP50)}/${fmt(measurement.ownP99)} ms at ½ own, ` +
              `${measurement.cpuMsPerRequest.toFixed(2)} CPU ms/req, ${measurement.statementsPerRequest ?? "?"} statements/req, ` +
              `${measurement.peakRssMiB.toFixed(0)} MiB peak RSS${measurement.failures ? `, ${measurement.failures} FAILED` : ""}`,
          );
        }
      } finally {
        await server.stop();
      }
    }

    const report = renderReport(results, facts, plans, (Date.now() - started) / 1000);
    console.log(`\n${report}`);
    if (QUICK) {
      console.log("BENCH_QUICK=1: a check of the harness; nothing written.");
      return;
    }
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
    await writeFile(path.join("bench/results", `${stamp}.md`), `${report}\n`);
    await writeFile(path.join("bench/results", `${stamp}.json`), `${JSON.stringify({ facts, results }, null, 2)}\n`);
    await updateReadme(report);
    console.log(`Wrote bench/results/${stamp}.md and the README's Performance section.`);
  } finally {
    unpin();
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await rm(pgliteDir, { recursive: true, force: true });
  }
}

/** PostGraphile needs graphql 15 and lives in its own folder with its own lockfile; install it on first use. */
function installPeers() {
  const dir = "bench/peers/postgraphile";
  if (existsSync(path.join(dir, "node_modules/postgraphile"))) return;
  console.log(`Installing ${dir} (npm ci)`);
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", dir], { stdio: "inherit" });
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function machineFacts(admin: pg.Client) {
  const { rows } = await admin.query<{ version: string }>("SELECT version()");
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0]!.version.split(" on ")[0]!,
    date: new Date().toISOString(),
  };
}

/** The project's own seed command, so the benchmark reads what users would load. */
async function seed(env: Record<string, string>) {
  const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: "warn" });
  const database = await openDatabase(config.database, createLogger("warn"));
  try {
    if (database.kind === "postgres") {
      const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
      await applyMigrations(postgresMigrationAdapter(pool));
      await pool.end();
    } else {
      await database.migrate();
    }
    await seedDatabase(database.prisma, SEED);
  } finally {
    await database.close();
  }
}

interface Inputs {
  /** User ids to start W1 after, post ids to start W2 after, post ids to comment on: the same sequence for everyone. */
  w1After: number[];
  w2After: number[];
  w3Posts: number[];
  token: string;
}

async function benchmarkInputs(client: pg.Client): Promise<Inputs> {
  const users = (await client.query<{ id: number }>("SELECT id FROM users ORDER BY id")).rows.map((row) => row.id);
  const feed = (await client.query<{ id: number }>("SELECT id FROM posts WHERE status = 'PUBLISHED' ORDER BY published_at DESC, id DESC")).rows.map((row) => row.id);
  const pick = picker(42);
  const w1Starts = users.slice(0, users.length - 10);
  const w2Starts = feed.slice(0, feed.length - 20);
  const writer = (await client.query<{ id: number }>("SELECT id FROM users ORDER BY id LIMIT 1")).rows[0]!;
  const tokens = createTokenService(AUTH_SECRET, 3600);
  return {
    w1After: Array.from({ length: 500 }, () => pick(w1Starts)),
    w2After: Array.from({ length: 500 }, () => pick(w2Starts)),
    w3Posts: Array.from({ length: 500 }, () => pick(feed)),
    token: await tokens.issue({ id: writer.id, role: "USER" }),
  };
}

/** PostGraphile's cursors encode its own ordering; read them from PostGraphile itself, by row id. */
async function collectPostGraphileCursors(system: System, benchUrl: string, inputs: Inputs) {
  const server = await startServer({ script: system.script, port: 4301, env: system.env(benchUrl), core: SERVER_CORE });
  try {
    const ask = async (query: string) => {
      const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return ((await response.json()) as any).data;
    };
    const users = await ask(`{ allUsers(orderBy: PRIMARY_KEY_ASC) { edges { cursor node { id } } } }`);
    const posts = await ask(`{ allPosts(orderBy: [PUBLISHED_AT_DESC, ID_DESC], condition: { status: PUBLISHED }) { edges { cursor node { id } } } }`);
    const byId = (edges: any[]) => new Map<number, string>(edges.map((edge) => [edge.node.id, edge.cursor]));
    const userCursors = byId(users.allUsers.edges);
    const postCursors = byId(posts.allPosts.edges);
    return { W1: inputs.w1After.map((id) => userCursors.get(id)!), W2: inputs.w2After.map((id) => postCursors.get(id)!) };
  } finally {
    await server.stop();
  }
}

/** A workload's requests for one system: the next body, and the headers to send with all of them. */
type Bodies = Record<WorkloadName, { next: () => string; headers: Record<string, string> }>;

/** For each workload, an endless sequence of request bodies in the system's dialect; the same positions for every system. */
function requestBodies(system: System, inputs: Inputs, postgraphileCursors: { W1: string[]; W2: string[] }): Bodies {
  const cycle = <T>(items: T[]) => {
    let i = 0;
    return () => items[i++ % items.length]!;
  };
  const queries = QUERIES[system.dialect];
  const w1 = cycle(system.dialect === "postgraphile" ? postgraphileCursors.W1 : inputs.w1After.map(inkwellCursor));
  const w2 = cycle(system.dialect === "postgraphile" ? postgraphileCursors.W2 : inputs.w2After.map(inkwellCursor));
  const w3 = cycle(inputs.w3Posts.map(postGlobalId));
  let comment = 0;
  return {
    W0: { headers: {}, next: () => JSON.stringify({ query: queries.W0, operationName: "W0" }) },
    W1: { headers: {}, next: () => JSON.stringify({ query: queries.W1, operationName: "W1", variables: { after: w1() } }) },
    W2: { headers: {}, next: () => JSON.stringify({ query: queries.W2, operationName: "W2", variables: { after: w2() } }) },
    W3: {
      headers: { authorization: `Bearer ${inputs.token}` },
      next: () =>
        JSON.stringify({ query: queries.W3, operationName: "W3", variables: { input: { postId: w3(), body: `Benchmark comment #${(comment += 1)}` } } }),
    },
  };
}

/**
 * Statements per request on the wire: the system runs behind the counting
 * proxy, answers a few requests of each workload one at a time, and the
 * count is divided by the number of requests. The same requests check that
 * the answers equal the reference system's (the first to answer).
 */
async function countStatements(system: System, benchUrl: string, bodies: Bodies, reference: Map<string, unknown>) {
  const counts = new Map<WorkloadName, number>();
  const target = new URL(benchUrl);
  const counter = await startWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(benchUrl);
  proxied.port = String(counter.port);
  const env = { ...system.env(proxied.toString()), ...(system.embedded ? { LOG_LEVEL: "info" } : {}) };
  const server = await startServer({ script: system.script, port: 4302, env, core: SERVER_CORE });
  try {
    for (const workload of system.workloads) {
      const post = async (body: string) => {
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...bodies[workload].headers },
          body,
        });
        return response.json();
      };
      await post(bodies[workload].next()); // warm: first-use work (plan caches, prepared statements) is not per request
      const before = system.embedded ? embeddedStatements(server) : counter.statements();
      for (let i = 0; i < COUNT_REQUESTS; i += 1) {
        const answer = normalize(workload, system.dialect, await post(bodies[workload].next()));
        const key = `${workload}:${i}`;
        if (!reference.has(key)) reference.set(key, answer);
        else if (JSON.stringify(reference.get(key)) !== JSON.stringify(answer)) {
          throw new Error(`${system.name} answered ${workload} request ${i} differently:\n${JSON.stringify(answer).slice(0, 600)}\nexpected:\n${JSON.stringify(reference.get(key)).slice(0, 600)}`);
        }
      }
      const after = system.embedded ? embeddedStatements(server) : counter.statements();
      counts.set(workload, Math.round(((after - before) / COUNT_REQUESTS) * 10) / 10);
    }
  } finally {
    await server.stop();
    await counter.close();
  }
  return counts;
}

/** Inkwell's own per-operation count (recorded at the driver adapter), summed from its log. */
function embeddedStatements(server: ServerProcess): number {
  return [...server.output().matchAll(/"sqlStatements":(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

async function measure(
  system: System,
  workload: WorkloadName,
  server: ServerProcess,
  bodies: Bodies,
  statementsPerRequest: number | null,
  ceilingRps: Map<WorkloadName, number>,
): Promise<Measurement> {
  const { next, headers } = bodies[workload];
  const load = (durationSeconds: number, overallRate?: number) =>
    runLoad({ url: server.url, nextBody: next, headers, durationSeconds, connections: CONNECTIONS, overallRate });
  await load(WARMUP_S);
  const runs = [];
  let cpuMs = 0;
  let requests = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const cpuBefore = server.cpuMs();
    const run = await load(RUN_S);
    cpuMs += server.cpuMs() - cpuBefore;
    requests += run.requests;
    runs.push(run);
  }
  const rps = median(runs.map((run) => run.requestsPerSecond));
  // Latency at a fixed arrival rate: half the ceiling's throughput for this
  // workload (W3 has no ceiling: half of this system's own saturation).
  const rate = 0.5 * (ceilingRps.get(workload) ?? rps);
  const latency = rate <= rps ? await load(LATENCY_S, rate) : null;
  const own = await load(LATENCY_S, 0.5 * rps);
  return {
    system: system.name,
    workload,
    rps,
    p50: latency?.p50 ?? null,
    p99: latency?.p99 ?? null,
    ownP50: own.p50,
    ownP99: own.p99,
    cpuMsPerRequest: cpuMs / Math.max(1, requests),
    peakRssMiB: server.peakRssMiB(),
    statementsPerRequest,
    failures: [...runs, own, ...(latency ? [latency] : [])].reduce((sum, run) => sum + run.non2xx + run.errors, 0),
  };
}

/** The ceiling must really be the ceiling: its plans may not scan the big tables. */
async function checkCeilingPlans(client: pg.Client) {
  const summaries: string[] = [];
  for (const [name, sql] of Object.entries(CEILING_SQL)) {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, [name === "W1" ? 500 : null]);
    const plan = rows[0]["QUERY PLAN"][0];
    const nodes: string[] = [];
    const walk = (node: any) => {
      nodes.push(node["Relation Name"] ? `${node["Node Type"]} on ${node["Relation Name"]}` : node["Node Type"]);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan.Plan);
    const seqScans = nodes.filter((node) => /^Seq Scan on (users|posts|comments)$/.test(node));
    if (seqScans.length) throw new Error(`the ceiling's ${name} plan scans whole tables: ${seqScans.join(", ")}`);
    const scans = [...new Set(nodes.filter((node) => / on /.test(node)))].join(", ");
    summaries.push(`${name}: ${plan["Execution Time"].toFixed(2)} ms in PostgreSQL; ${scans}`);
  }
  console.log(`Ceiling plans: ${summaries.join(" | ")}`);
  return summaries;
}

const fmt = (value: number | null) => (value === null ? "sat." : value.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : "n/a");

function renderReport(results: Measurement[], facts: Awaited<ReturnType<typeof machineFacts>>, plans: string[], seconds: number): string {
  const get = (system: string, workload: WorkloadName) => results.find((r) => r.system === system && r.workload === workload);
  const lines = [
    `### Benchmark ${facts.date.slice(0, 10)}`,
    "",
    `${facts.cores} cores (${facts.cpu}), ${facts.memoryGiB} GiB, Node ${facts.node}, ${facts.postgres}. ` +
      `Servers pinned to core ${SERVER_CORE}; PostgreSQL and autocannon to core ${LOAD_CORE}. Pool size ${POOL_SIZE} for every system; ` +
      `${CONNECTIONS} connections; warm-up ${WARMUP_S} s, then the median of ${RUNS} runs of ${RUN_S} s (closed loop, autocannon); ` +
      `latency at fixed arrival rates (half the ceiling's throughput, and half the system's own) for ${LATENCY_S} s each; "sat." means the system saturates below that rate. ` +
      `Node flags for every server: ${NODE_FLAGS.join(" ")}. ` +
      `Data: ${SEED.users} users, ${SEED.users * SEED.postsPerUser} posts, ${SEED.users * SEED.postsPerUser * SEED.commentsPerPost} comments. Whole run: ${seconds.toFixed(0)} s.`,
    "",
    "| system | workload | req/s | × ceiling | p50 / p99 ms at ½ ceiling | p50 / p99 ms at ½ own | CPU ms/req | statements/req | peak RSS MiB |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map((r) =>
      `| ${r.system} | ${r.workload} | ${r.rps.toFixed(0)} | ${ratio(r.rps, get("ceiling", r.workload)?.rps ?? (r.workload === "W0" ? get("floor", "W0")?.rps : undefined))} | ` +
        `${fmt(r.p50)} / ${fmt(r.p99)} | ${fmt(r.ownP50)} / ${fmt(r.ownP99)} | ${r.cpuMsPerRequest.toFixed(2)} | ${r.statementsPerRequest ?? "n/a"} | ${r.peakRssMiB.toFixed(0)} |` +
        (r.failures ? ` ${r.failures} failed requests |` : ""),
    ),
    "",
    "| ratio | W1 | W2 | W3 |",
    "| --- | ---: | ---: | ---: |",
    ...[
      ["Inkwell / ceiling", "inkwell", "ceiling"],
      ["Inkwell / naive", "inkwell", "naive"],
      ["Inkwell / PostGraphile", "inkwell", "postgraphile"],
      ["Inkwell join / query strategy", "inkwell", "inkwell (relationLoadStrategy=query)"],
      ["Inkwell PGlite / PostgreSQL", "inkwell (PGlite)", "inkwell"],
    ].map(([label, a, b]) => `| ${label} | ${(["W1", "W2", "W3"] as WorkloadName[]).map((w) => ratio(get(a!, w)?.rps, get(b!, w)?.rps)).join(" | ")} |`),
    "",
    `W0 (\`{ __typename }\`): Inkwell ${ratio(get("inkwell", "W0")?.rps, get("floor", "W0")?.rps)} of the http floor. ` +
      `p99 at half the ceiling's rate, Inkwell / ceiling (n/a where Inkwell saturates below that rate): ` +
      `W1 ${ratio(get("inkwell", "W1")?.p99 ?? undefined, get("ceiling", "W1")?.p99 ?? undefined)}, ` +
      `W2 ${ratio(get("inkwell", "W2")?.p99 ?? undefined, get("ceiling", "W2")?.p99 ?? undefined)}.`,
    "",
    `Ceiling plans (EXPLAIN ANALYZE): ${plans.join("; ")}.`,
  ];
  return lines.join("\n");
}

async function updateReadme(report: string) {
  const readme = await readFile("README.md", "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  if (!readme.includes(start)) return;
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  await writeFile("README.md", `${before}\n${report}\n${after}`);
}

main().catch((error: unknown) => {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

