/**
 * npm run bench: Inkwell against a naive resolver, PostGraphile 4 and 5, a
 * hand-written ceiling, an http floor and a framework floor (Yoga over the
 * ceiling's statements), on two seeded PostgreSQL data sets
 * (standard, and deep: prolific writers, posts with thousands of comments,
 * tags on thousands of posts), side by side in one run. Prints the report
 * and writes it to bench/results/ and the README's Performance section.
 *
 * Servers run pinned to core 0; PostgreSQL and the load generator (this
 * process) to core 1. Every system gets the same pool size and runs on the
 * same Node (this process's: the project's pinned one under npm run).
 * Answers are checked for equivalence before anything is timed; statements
 * per request are counted on the wire, by a proxy in front of PostgreSQL.
 * Then every system of a data set runs at once and the load alternates
 * between them in interleaved rounds (lib/rounds.ts), so a minute of noise
 * hits all of them alike.
 *
 * BENCH_DATABASE_URL  the server to use (default postgresql://postgres@127.0.0.1:5432/postgres)
 * REDIS_URL           the Redis the fan-out's two instances share (default redis://127.0.0.1:6379)
 * BENCH_QUICK=1       short runs, to check the harness itself; writes nothing
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { deploymentOf } from "../src/auth/deployment.js";
import { loadConfig } from "../src/config.js";
import { createTokenService } from "../src/auth/tokens.js";
import { CEILING_SQL, ceilingParameters } from "./systems/ceiling.js";
import { creditsBenchmark, renderCredits } from "./lib/credits.js";
import { benchmarkInputs, collectCursors, DATASETS, describeSeed, idCursors, requestBodies, type Bodies, type Inputs } from "./lib/inputs.js";
import { median } from "./lib/load.js";
import { countStatements, latencyAt, type Measurement, type MeasureSettings, type System } from "./lib/measure.js";
import { inkwellServerScript, NODE_FLAGS, pinProcesses, startServer, type ServerProcess } from "./lib/processes.js";
import { FRAMEWORK_FLOOR, PEERS, renderReport, type RunFacts } from "./lib/report.js";
import { interleavedRounds } from "./lib/rounds.js";
import { databaseUrl, firstUser, seed } from "./lib/database.js";
import { fanOutBenchmark, liveSettings, renderLive, scaleOutBenchmark } from "./lib/live.js";
import { idCursor, QUERIES, type DatasetName, type WorkloadName } from "./lib/workloads.js";

const QUICK = process.env.BENCH_QUICK === "1";
const PEER_DIRS = ["bench/peers/postgraphile", "bench/peers/postgraphile5"];
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const POOL_SIZE = 10;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const AUTH_SECRET = "benchmark-secret-benchmark-secret-benchmark";
const SETTINGS: MeasureSettings = {
  connections: 32,
  warmupSeconds: 1,
  rounds: QUICK ? 2 : 8,
  windowSeconds: QUICK ? 1 : 2,
  latencySeconds: QUICK ? 1 : 3,
  countRequests: QUICK ? 3 : 20,
  serverCore: SERVER_CORE,
};

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

function systems(pgliteDir: string, inkwellScript: string): System[] {
  const every = { standard: ["W0", "W1", "W2", "W3"], deep: ["W1", "W4", "W5"] } satisfies Record<DatasetName, WorkloadName[]>;
  return [
    { name: "floor", dialect: "inkwell", script: "bench/systems/floor.ts", workloads: { standard: ["W0"] }, env: () => ({}), cursors: "ids" },
    {
      name: "ceiling",
      dialect: "inkwell",
      script: "bench/systems/ceiling.ts",
      workloads: { standard: ["W0", "W1", "W2"], deep: every.deep },
      env: plainEnv,
      cursors: "ids",
    },
    {
      name: FRAMEWORK_FLOOR,
      dialect: "inkwell",
      script: "bench/systems/yoga-floor.ts",
      workloads: { standard: ["W0", "W1", "W2"], deep: every.deep },
      env: plainEnv,
      cursors: "ids",
    },
    { name: "inkwell", dialect: "inkwell", script: inkwellScript, workloads: every, env: inkwellEnv(), cursors: "self" },
    {
      name: "inkwell (PGlite)",
      dialect: "inkwell",
      script: inkwellScript,
      workloads: { standard: ["W1"] },
      embedded: true,
      cursors: "self",
      env: () => {
        const env: Record<string, string> = { ...inkwellEnv()(""), PGLITE_DIR: pgliteDir, SEED_DEMO_DATA: "false" };
        delete env.DATABASE_URL;
        return env;
      },
    },
    { name: "naive", dialect: "inkwell", script: "bench/systems/naive.ts", workloads: every, env: plainEnv, cursors: "ids" },
    ...(["postgraphile", "postgraphile5"] as const).map(
      (dialect): System => ({
        name: PEERS[dialect],
        dialect,
        script: `bench/peers/${dialect}/server.mjs`,
        workloads: { standard: ["W0", "W1", "W2"], deep: every.deep },
        env: plainEnv,
        cursors: "self",
      }),
    ),
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
  const pgliteDir = await mkdtemp(path.join(os.tmpdir(), "inkwell-bench-pglite-"));
  const urls = Object.fromEntries(
    (Object.keys(DATASETS) as DatasetName[]).map((name) => [name, databaseUrl(ADMIN_URL, DATASETS[name].database)]),
  ) as Record<DatasetName, string>;
  try {
    for (const [name, dataset] of Object.entries(DATASETS)) {
      console.log(`Seeding ${dataset.database}: ${describeSeed(dataset.seed)}`);
      await admin.query(`DROP DATABASE IF EXISTS ${dataset.database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${dataset.database}`);
      await seed({ DATABASE_URL: urls[name as DatasetName] }, dataset.seed);
    }
    await seed({ PGLITE_DIR: pgliteDir }, DATASETS.standard.seed);

    const inputs = {} as Record<DatasetName, Inputs>;
    const plans: string[] = [];
    for (const name of Object.keys(DATASETS) as DatasetName[]) {
      const client = new pg.Client({ connectionString: urls[name] });
      await client.connect();
      try {
        await client.query("ANALYZE");
        plans.push(...(await checkCeilingPlans(client, name)));
      } finally {
        await client.end();
      }
      inputs[name] = await benchmarkInputs(urls[name]);
      // Only the standard set's workloads write.
      if (name === "deep") inputs[name].w3Posts = [];
    }
    const writer = await firstUser(urls.standard);
    const token = await createTokenService(AUTH_SECRET, 3600, deploymentOf(loadConfig({ DATABASE_URL: urls.standard }).database)).issue(writer);

    const inkwellScript = inkwellServerScript();
    const results: Measurement[] = [];
    const reference = new Map<string, unknown>();
    let inkwellStandardBodies: Bodies | undefined;
    for (const dataset of Object.keys(DATASETS) as DatasetName[]) {
      const entrants = [];
      for (const system of systems(pgliteDir, inkwellScript)) {
        const workloads = system.workloads[dataset];
        if (!workloads?.length) continue;
        console.log(`\n# ${system.name}, ${dataset} data: answers and statements`);
        const cursors =
          system.cursors === "ids"
            ? idCursors(inputs[dataset])
            : await collectCursors(system.dialect, system.script, system.env(urls[dataset]), inputs[dataset], SERVER_CORE);
        const bodies = requestBodies(QUERIES[system.dialect], inputs[dataset], cursors, token);
        const statements = await countStatements(system, urls[dataset], workloads, bodies, reference, dataset, SETTINGS);
        entrants.push({ system, workloads, bodies, statements });
        if (system.name === "inkwell" && dataset === "standard") inkwellStandardBodies = bodies;
      }
      results.push(...(await race(dataset, entrants, urls[dataset])));
    }

    console.log("\n# W6: sendCredits against its ceiling, and three ways to lock");
    const credits = await creditsBenchmark({
      adminUrl: ADMIN_URL,
      quick: QUICK,
      serverCore: SERVER_CORE,
      poolSize: POOL_SIZE,
      authSecret: AUTH_SECRET,
      inkwellEnv: inkwellEnv(),
    });

    console.log("\n# Live updates (fan-out through Redis) and scale-out (1 process against 2)");
    const live = liveSettings(QUICK);
    const fanOut = await fanOutBenchmark({ databaseUrl: urls.standard, redisUrl: REDIS_URL, authSecret: AUTH_SECRET, env: inkwellEnv(), ...live.fanOut, log: console.log });
    const scaleOut = await scaleOutBenchmark({
      env: inkwellEnv()(urls.standard),
      bodies: { W1: inkwellStandardBodies!.W1!.next, W2: inkwellStandardBodies!.W2!.next },
      settings: live.rounds,
      log: console.log,
    });

    const report = `${renderReport(results, {
      facts,
      setup:
        `Servers pinned to core ${SERVER_CORE}; PostgreSQL and autocannon to core ${LOAD_CORE}. Pool size ${POOL_SIZE} for every system; ` +
        `${SETTINGS.connections} connections, closed loop (autocannon). Every system of a data set runs at once; each workload's load ` +
        `alternates between them in ${SETTINGS.rounds} interleaved rounds of ${SETTINGS.windowSeconds} s windows after a ${SETTINGS.warmupSeconds} s warm-up each; ` +
        `req/s and CPU ms/req are medians over the rounds, and every ratio is the median of its per-round ratios (in brackets: the middle half of the rounds). Latency at fixed arrival rates (half the ceiling's throughput, and half the system's own) for ` +
        `${SETTINGS.latencySeconds} s each; "sat." means the system saturates below that rate. Node flags for every server: ${NODE_FLAGS.join(" ")}.`,
      datasets: { standard: describeSeed(DATASETS.standard.seed), deep: describeSeed(DATASETS.deep.seed) },
      plans,
      seconds: (Date.now() - started) / 1000,
    }, { inkwellToCeiling: credits.inkwellToCeiling })}\n\n${renderCredits(credits)}\n\n${renderLive(fanOut, scaleOut, live.rounds)}`;
    console.log(`\n${report}`);
    if (QUICK) {
      console.log("BENCH_QUICK=1: a check of the harness; nothing written.");
      return;
    }
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
    await writeFile(path.join("bench/results", `${stamp}.md`), `${report}\n`);
    await writeFile(path.join("bench/results", `${stamp}.json`), `${JSON.stringify({ facts, results, credits, fanOut, scaleOut }, null, 2)}\n`);
    await updateReadme(report);
    console.log(`Wrote bench/results/${stamp}.md and the README's Performance section.`);
  } finally {
    unpin();
    for (const dataset of Object.values(DATASETS)) {
      await admin.query(`DROP DATABASE IF EXISTS ${dataset.database} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
    await rm(pgliteDir, { recursive: true, force: true });
  }
}

/**
 * One data set's race: every system that serves it runs at once, pinned to
 * the server core, and each workload's load alternates between them in
 * interleaved rounds; then each system's latency at fixed arrival rates.
 */
async function race(
  dataset: DatasetName,
  entrants: { system: System; workloads: WorkloadName[]; bodies: Bodies; statements: Map<WorkloadName, number> }[],
  url: string,
): Promise<Measurement[]> {
  const results: Measurement[] = [];
  const servers: ServerProcess[] = [];
  try {
    for (const [i, { system }] of entrants.entries()) {
      servers.push(await startServer({ script: system.script, port: 4300 + i, env: system.env(url), core: SERVER_CORE }));
    }
    for (const workload of DATASETS[dataset].workloads) {
      const field = entrants.flatMap((entrant, i) => (entrant.workloads.includes(workload) ? [{ ...entrant, server: servers[i]! }] : []));
      if (!field.length) continue;
      console.log(`\n# ${workload}, ${dataset} data: ${field.map(({ system }) => system.name).join(", ")} in ${SETTINGS.rounds} interleaved rounds`);
      const rounds = await interleavedRounds(
        field.map(({ server, bodies }) => ({ server, ...bodies[workload]! })),
        SETTINGS,
      );
      const medianRps = rounds.map((own) => median(own.map((round) => round.rps)));
      const ceiling = field.findIndex(({ system }) => system.name === "ceiling");
      for (const [i, { system, server, bodies, statements }] of field.entries()) {
        const rps = medianRps[i]!;
        // Latency at a fixed arrival rate: half the ceiling's throughput (W3 has
        // no ceiling: half of this system's own), and half the system's own.
        const atCeiling = await latencyAt(server, bodies[workload]!, 0.5 * (ceiling >= 0 ? medianRps[ceiling]! : rps), rps, SETTINGS);
        const own = (await latencyAt(server, bodies[workload]!, 0.5 * rps, rps, SETTINGS))!;
        const measurement: Measurement = {
          system: system.name,
          dataset,
          workload,
          rounds: rounds[i]!,
          rps,
          p50: atCeiling?.p50 ?? null,
          p99: atCeiling?.p99 ?? null,
          ownP50: own.p50,
          ownP99: own.p99,
          cpuMsPerRequest: median(rounds[i]!.map((round) => round.cpuMsPerRequest)),
          peakRssMiB: server.peakRssMiB(),
          statementsPerRequest: statements.get(workload) ?? null,
          failures: rounds[i]!.reduce((sum, round) => sum + round.failures, own.failures + (atCeiling?.failures ?? 0)),
        };
        results.push(measurement);
        console.log(
          `  ${system.name}: ${rps.toFixed(0)} req/s, ${measurement.cpuMsPerRequest.toFixed(2)} CPU ms/req, ` +
            `${measurement.statementsPerRequest ?? "?"} statements/req, p99 ${measurement.ownP99} ms at ½ own` +
            `${measurement.failures ? `, ${measurement.failures} FAILED` : ""}`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return results;
}

/**
 * The PostGraphiles live in folders of their own with their own lockfiles
 * (4 needs graphql 15, 5 its own Grafast stack); install them on first use.
 */
function installPeers() {
  for (const dir of PEER_DIRS) {
    if (existsSync(path.join(dir, "node_modules/postgraphile"))) continue;
    console.log(`Installing ${dir} (npm ci)`);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", dir], { stdio: "inherit" });
  }
}

async function machineFacts(admin: pg.Client): Promise<RunFacts> {
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

/** The project's own migrations and seed command, so the benchmark reads what users would load. */
/**
 * The ceiling must really be the ceiling: its plans may not scan the big
 * tables, including the generic plan PostgreSQL may switch a prepared
 * statement to after five executions (the ceiling prepares every statement).
 */
async function checkCeilingPlans(client: pg.Client, dataset: DatasetName): Promise<string[]> {
  const summaries: string[] = [];
  const sample: Record<keyof typeof CEILING_SQL, Record<string, unknown>> = {
    W1: {},
    W2: { after: idCursor(5_000) },
    W4: { slug: "post-1" },
    W5: { name: "writing" },
  };
  const names = (dataset === "standard" ? ["W1", "W2"] : ["W1", "W4", "W5"]) as (keyof typeof CEILING_SQL)[];
  await client.query("SET plan_cache_mode = force_generic_plan");
  for (const name of names) {
    const values = ceilingParameters(name, sample[name]);
    await client.query(`PREPARE ceiling_${name} AS ${CEILING_SQL[name]}`);
    const { rows } = await client.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ceiling_${name}(${values.map((value) => client.escapeLiteral(String(value))).join(", ")})`,
    );
    await client.query(`DEALLOCATE ceiling_${name}`);
    const plan = rows[0]["QUERY PLAN"][0];
    const nodes: string[] = [];
    let removed = 0;
    const walk = (node: any) => {
      nodes.push(node["Relation Name"] ? `${node["Node Type"]} on ${node["Relation Name"]}` : node["Node Type"]);
      if (/^(posts|comments|post_tags)$/.test(node["Relation Name"] ?? "")) removed += (node["Rows Removed by Filter"] ?? 0) * (node["Actual Loops"] ?? 1);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan.Plan);
    const seqScans = nodes.filter((node) => /^Seq Scan on (posts|comments|post_tags)$/.test(node));
    if (seqScans.length) throw new Error(`the ceiling's ${name} plan on ${dataset} data scans whole tables: ${seqScans.join(", ")}`);
    // A walk of a big table that filters rows it then drops is a scan in disguise (tags and users are small).
    if (removed > 1_000) throw new Error(`the ceiling's ${name} generic plan on ${dataset} data reads and drops ${removed} rows`);
    const scans = [...new Set(nodes.filter((node) => / on /.test(node)))].join(", ");
    summaries.push(`${name}${dataset === "deep" ? " deep" : ""}: ${plan["Execution Time"].toFixed(2)} ms in PostgreSQL; ${scans}`);
  }
  await client.query("RESET plan_cache_mode");
  console.log(`Ceiling plans: ${summaries.join(" | ")}`);
  return summaries;
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
