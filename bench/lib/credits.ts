/**
 * W6: sendCredits at 64 connections with a hot-account mix, against a
 * ceiling of raw `pg` doing the same locked transfer; and the evidence for
 * the locking choice: the same transfers done three ways on raw `pg`
 * (ordered FOR UPDATE, a conditional update, Serializable with retries).
 */
import autocannon from "autocannon";
import pg from "pg";
import { transactionRunner } from "../../src/db/sql-runner.js";
import { transfer } from "../../src/schema/credits/service.js";
import { deploymentOf } from "../../src/auth/deployment.js";
import { loadConfig } from "../../src/config.js";
import { createTokenService } from "../../src/auth/tokens.js";
import { withDatabase } from "../../src/db/lifecycle.js";
import { median } from "./load.js";
import { inkwellServerScript, startServer, type ServerProcess, type ServerVariant } from "./processes.js";
import { roundRatio, type RoundRatio } from "./rounds.js";

const USERS = 1_000;
const HOT = 3;
const CONNECTIONS = 64;
const START_BALANCE = 1_000_000;

export interface W6Result {
  system: string;
  transfersPerSecond: number;
  requestsPerSecond: number;
  p99: number;
  retriesPerTransfer: number;
  failures: number;
}

/** W6 as the report shows it: both systems, the locking strategies, and the ratio of interleaved rounds. */
export interface W6Report {
  systems: W6Result[];
  strategies: StrategyResult[];
  /** The first Inkwell over the ceiling. */
  inkwellToCeiling: RoundRatio | undefined;
  rounds: number;
  windowSeconds: number;
}

export interface StrategyResult {
  strategy: string;
  transfersPerSecond: number;
  retriesPerTransfer: number;
  p99: number;
  failures: number;
}

interface Planned {
  from: number;
  to: number;
  amount: number;
}

/** 30% to or from 3 hot accounts, 20% opposite pairs back to back, 10% overdrafts, the rest at random. */
function plan(userIds: number[], count: number): Planned[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = () => userIds[Math.floor(rand() * userIds.length)]!;
  const hot = userIds.slice(0, HOT);
  const planned: Planned[] = [];
  while (planned.length < count) {
    const roll = rand();
    const from = pick();
    let to = pick();
    while (to === from) to = pick();
    const amount = 1 + Math.floor(rand() * 20);
    if (roll < 0.3) {
      const h = hot[Math.floor(rand() * HOT)]!;
      const other = from === h ? to : from;
      planned.push(rand() < 0.5 ? { from: h, to: other, amount } : { from: other, to: h, amount });
    } else if (roll < 0.5) planned.push({ from, to, amount }, { from: to, to: from, amount });
    else if (roll < 0.6) planned.push({ from, to, amount: START_BALANCE * 10 });
    else planned.push({ from, to, amount });
  }
  return planned;
}

async function setUp(url: string): Promise<number[]> {
  return withDatabase(
    async ({ database }) => {
      const users = await database.prisma.user.createManyAndReturn({
        data: Array.from({ length: USERS }, (_, i) => ({ handle: `payer${i}`, email: `payer${i}@example.com`, name: `Payer ${i}`, passwordHash: "x" })),
        select: { id: true },
      });
      for (const user of users) {
        await database.prisma.$transaction((tx) =>
          // Set-up, before any server runs: no subscriber to tell.
          transfer({ sql: transactionRunner(tx), announce: () => undefined }, { kind: "GRANT", fromUserId: null, toUserId: user.id, amount: START_BALANCE, note: null, actorId: user.id }),
        );
      }
      return users.map((user) => user.id);
    },
    { migrate: "always", env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "warn" } },
  );
}

async function counts(client: pg.Client): Promise<{ transfers: number; deadlocks: number }> {
  const { rows } = await client.query<{ transfers: string; deadlocks: string }>(
    `SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()) AS deadlocks`,
  );
  return { transfers: Number(rows[0]!.transfers), deadlocks: Number(rows[0]!.deadlocks) };
}

async function loadServer(url: string, seconds: number, next: () => { body: string; headers: Record<string, string> }) {
  const result = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (request: any) => { const { body, headers } = next(); return { ...request, body, headers: { ...request.headers, "content-type": "application/json", ...headers } }; } }],
  });
  return { requests: result.requests.total, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts };
}

/** The same transfer three ways, straight on `pg`, 64 workers over a pool of `poolSize`. */
async function strategies(url: string, userIds: number[], seconds: number, poolSize: number): Promise<StrategyResult[]> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on("error", () => undefined); // an idle client dropped when the database is; nothing to do
  const accountOf = new Map<number, number>(
    (await pool.query<{ id: number; user_id: number }>(`SELECT id, user_id FROM credit_accounts WHERE user_id IS NOT NULL`)).rows.map((row) => [row.user_id, row.id]),
  );
  const planned = plan(userIds, 50_000).map((p) => ({ from: accountOf.get(p.from)!, to: accountOf.get(p.to)!, amount: p.amount }));
  const MOVE = `WITH "t" AS (INSERT INTO "transfers" ("kind", "from_account_id", "to_account_id", "amount") VALUES ('SEND', $1, $2, $3) RETURNING "id", "created_at")
    INSERT INTO "ledger_entries" ("account_id", "transfer_id", "amount", "balance_after", "created_at")
    SELECT $1::int, "t"."id", -$3::int, $4::int, "t"."created_at" FROM "t" UNION ALL SELECT $2::int, "t"."id", $3::int, $5::int, "t"."created_at" FROM "t"`;
  type Attempt = (client: pg.PoolClient, p: { from: number; to: number; amount: number }) => Promise<void>;
  const ways: Array<[string, string, Attempt]> = [
    ["ordered FOR UPDATE (Inkwell's choice)", "READ COMMITTED", async (client, p) => {
      const { rows } = await client.query<{ id: number; balance: number }>(`SELECT id, balance FROM credit_accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, [p.from, p.to]);
      const from = rows.find((row) => row.id === p.from)!;
      const to = rows.find((row) => row.id === p.to)!;
      if (from.balance < p.amount) return;
      await client.query(`UPDATE credit_accounts SET balance = balance + CASE id WHEN $1 THEN -$3::int ELSE $3::int END WHERE id IN ($1, $2)`, [p.from, p.to, p.amount]);
      await client.query(MOVE, [p.from, p.to, p.amount, from.balance - p.amount, to.balance + p.amount]);
    }],
    ["conditional update, sender first", "READ COMMITTED", async (client, p) => {
      const debited = await client.query<{ balance: number }>(`UPDATE credit_accounts SET balance = balance - $2 WHERE id = $1 AND balance >= $2 RETURNING balance`, [p.from, p.amount]);
      if (!debited.rows.length) return;
      const credited = await client.query<{ balance: number }>(`UPDATE credit_accounts SET balance = balance + $2 WHERE id = $1 RETURNING balance`, [p.to, p.amount]);
      await client.query(MOVE, [p.from, p.to, p.amount, debited.rows[0]!.balance, credited.rows[0]!.balance]);
    }],
    ["Serializable with retries", "SERIALIZABLE", async (client, p) => {
      const { rows } = await client.query<{ id: number; balance: number }>(`SELECT id, balance FROM credit_accounts WHERE id IN ($1, $2)`, [p.from, p.to]);
      const from = rows.find((row) => row.id === p.from)!;
      const to = rows.find((row) => row.id === p.to)!;
      if (from.balance < p.amount) return;
      await client.query(`UPDATE credit_accounts SET balance = $2 WHERE id = $1`, [p.from, from.balance - p.amount]);
      await client.query(`UPDATE credit_accounts SET balance = $2 WHERE id = $1`, [p.to, to.balance + p.amount]);
      await client.query(MOVE, [p.from, p.to, p.amount, from.balance - p.amount, to.balance + p.amount]);
    }],
  ];
  const results: StrategyResult[] = [];
  for (const [strategy, isolation, attempt] of ways) {
    let next = 0;
    let done = 0;
    let retries = 0;
    let failures = 0;
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const before = (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM transfers`)).rows[0]!.n;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < deadline) {
          const p = planned[next++ % planned.length]!;
          const startedAt = performance.now();
          for (let tries = 1; ; tries++) {
            const client = await pool.connect();
            try {
              await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
              await attempt(client, p);
              await client.query("COMMIT");
              break;
            } catch (error) {
              await client.query("ROLLBACK").catch(() => undefined);
              const code = (error as { code?: string }).code;
              if ((code === "40001" || code === "40P01") && tries < 10) {
                retries += 1;
                await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(tries, 5)));
                continue;
              }
              failures += 1;
              break;
            } finally {
              client.release();
            }
          }
          done += 1;
          latencies.push(performance.now() - startedAt);
        }
      }),
    );
    const after = (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM transfers`)).rows[0]!.n;
    const made = Number(after) - Number(before);
    latencies.sort((a, b) => a - b);
    results.push({
      strategy,
      transfersPerSecond: made / seconds,
      retriesPerTransfer: retries / Math.max(1, done),
      p99: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
      failures,
    });
  }
  await pool.end();
  return results;
}

/** A server W6 races: the ceiling, or an Inkwell variant (its Node and flags included). */
interface Contender extends Pick<ServerVariant, "node" | "nodeFlags"> {
  name: string;
  body: (planned: Planned) => { body: string; headers: Record<string, string> };
  script: string;
  env: Record<string, string>;
}

export async function creditsBenchmark(options: {
  adminUrl: string;
  quick: boolean;
  /** Default: this checkout alone, named "inkwell". */
  variants?: ServerVariant[];
  /** Overrides the rounds (2 quick, 6 otherwise); an A/B wants more. */
  rounds?: number;
  serverCore: number;
  poolSize: number;
  authSecret: string;
  inkwellEnv: (url: string) => Record<string, string>;
}): Promise<W6Report> {
  const database = "inkwell_bench_credits";
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  const url = new URL(options.adminUrl);
  url.pathname = `/${database}`;
  const dbUrl = url.toString();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
    console.log(`Seeding ${database}: ${USERS} users with ${START_BALANCE} credits each`);
    const userIds = await setUp(dbUrl);
    const tokens = createTokenService(options.authSecret, 3600, deploymentOf(loadConfig({ DATABASE_URL: dbUrl }).database));
    const tokenOf = new Map(await Promise.all(userIds.map(async (id) => [id, await tokens.issue(id)] as const)));
    const planned = plan(userIds, 100_000);
    const [defaultRounds, windowSeconds] = options.quick ? [2, 1] : [6, 2];
    const roundCount = options.rounds ?? defaultRounds;
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    const systems: W6Result[] = [];
    const SEND = `mutation Send($input: SendCreditsInput!) { sendCredits(input: $input) { id amount } }`;
    const globalId = (id: number) => Buffer.from(`User:${id}`).toString("base64");
    const bodies = {
      graphql: (p: Planned) => ({
        body: JSON.stringify({ query: SEND, operationName: "Send", variables: { input: { toUserId: globalId(p.to), amount: p.amount } } }),
        headers: { authorization: `Bearer ${tokenOf.get(p.from)}` },
      }),
      ceiling: (p: Planned) => ({ body: JSON.stringify(p), headers: {} }),
    };
    // Both run at once and the load alternates between them, round after round (as lib/rounds.ts does for the other workloads).
    const contenders: Contender[] = [
      { name: "ceiling", body: bodies.ceiling, script: "bench/systems/credits-ceiling.ts", env: { DATABASE_URL: dbUrl, DB_POOL_SIZE: String(options.poolSize) } },
      ...(options.variants ?? [{ name: "inkwell" }]).map((variant) => ({
        name: variant.name,
        body: bodies.graphql,
        script: inkwellServerScript(variant.dir),
        env: { ...options.inkwellEnv(dbUrl), ...variant.env },
        node: variant.node,
        nodeFlags: variant.nodeFlags,
      })),
    ];
    const servers: ServerProcess[] = [];
    const rounds = contenders.map(() => [] as { transfersPerSecond: number; requests: number; p99: number; retries: number; failures: number }[]);
    try {
      for (const [i, { script, env, node, nodeFlags }] of contenders.entries()) {
        servers.push(await startServer({ script, port: 4320 + i, env, node, nodeFlags, core: options.serverCore }));
      }
      let next = 0;
      const window = (i: number, seconds: number) => {
        const make = contenders[i]!.body;
        return loadServer(servers[i]!.url, seconds, () => make(planned[next++ % planned.length]!));
      };
      for (const i of contenders.keys()) await window(i, 1); // warm-up
      for (let round = 0; round < roundCount; round += 1) {
        for (let k = 0; k < contenders.length; k += 1) {
          const i = (round + k) % contenders.length;
          const before = await counts(client);
          const load = await window(i, windowSeconds);
          const after = await counts(client);
          rounds[i]!.push({
            transfersPerSecond: (after.transfers - before.transfers) / windowSeconds,
            requests: load.requests,
            p99: load.p99,
            // Under READ COMMITTED with ordered locks only a deadlock could force a retry; PostgreSQL counts them.
            retries: after.deadlocks - before.deadlocks,
            failures: load.failures,
          });
        }
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    for (const [i, { name }] of contenders.entries()) {
      const own = rounds[i]!;
      const transfers = own.reduce((sum, round) => sum + round.transfersPerSecond * windowSeconds, 0);
      systems.push({
        system: name,
        transfersPerSecond: median(own.map((round) => round.transfersPerSecond)),
        requestsPerSecond: median(own.map((round) => round.requests / windowSeconds)),
        p99: median(own.map((round) => round.p99)),
        retriesPerTransfer: own.reduce((sum, round) => sum + round.retries, 0) / Math.max(1, transfers),
        failures: own.reduce((sum, round) => sum + round.failures, 0),
      });
      console.log(`  W6 ${name}: ${systems.at(-1)!.transfersPerSecond.toFixed(0)} transfers/s (median of ${roundCount} rounds)`);
    }
    const inkwellToCeiling = roundRatio(
      rounds[1]!.map((round) => round.transfersPerSecond),
      rounds[0]!.map((round) => round.transfersPerSecond),
    );
    // An A/B: each later Inkwell over the first, per round (printed only: the report has one Inkwell).
    for (const [k, own] of rounds.slice(2).entries()) {
      const name = contenders[k + 2]!.name;
      const ratio = roundRatio(own.map((round) => round.transfersPerSecond), rounds[1]!.map((round) => round.transfersPerSecond));
      if (ratio) console.log(`  ${name} / ${contenders[1]!.name}: ${ratio.median.toFixed(2)}× (middle half ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)})`);
    }
    await client.end();
    const compared = await strategies(dbUrl, userIds, options.quick ? 2 : 5, options.poolSize);
    for (const result of compared) {
      console.log(`  ${result.strategy}: ${result.transfersPerSecond.toFixed(0)} transfers/s, ${result.retriesPerTransfer.toFixed(3)} retries/transfer`);
    }
    return { systems, strategies: compared, inkwellToCeiling, rounds: roundCount, windowSeconds };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export function renderCredits({
  systems,
  strategies,
  inkwellToCeiling,
  rounds,
  windowSeconds,
}: {
  systems: W6Result[];
  strategies: StrategyResult[];
  inkwellToCeiling: RoundRatio | undefined;
  rounds: number;
  windowSeconds: number;
}): string {
  const ceiling = systems.find((s) => s.system === "ceiling");
  const lines = [
    "### W6: sendCredits, 64 connections, hot-account mix",
    "",
    `${USERS} accounts; 30% of transfers to or from ${HOT} hot accounts, 20% opposite pairs back to back, 10% overdrafts (answered INSUFFICIENT_CREDITS, not counted as transfers). ` +
      "The ceiling is raw `pg` doing the same locked transfer, one round trip per statement, with no GraphQL, token, audit event or payload read. " +
      `Both run at once and the load alternates between them in ${rounds} rounds of ${windowSeconds} s windows; figures are medians over the rounds` +
      (inkwellToCeiling
        ? `, and Inkwell / ceiling is ${inkwellToCeiling.median.toFixed(2)}× as the median of per-round ratios (middle half ${inkwellToCeiling.low.toFixed(2)}–${inkwellToCeiling.high.toFixed(2)}).`
        : "."),
    "",
    "| system | transfers/s | requests/s | p99 ms | retries/transfer | × ceiling | failures |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...systems.map((s) =>
      `| ${s.system} | ${s.transfersPerSecond.toFixed(0)} | ${s.requestsPerSecond.toFixed(0)} | ${s.p99} | ${s.retriesPerTransfer.toFixed(3)} | ` +
        `${ceiling ? (s.transfersPerSecond / ceiling.transfersPerSecond).toFixed(2) : "?"} | ${s.failures} |`,
    ),
    "",
    "Locking, measured: the same transfers on raw `pg` three ways (64 workers, the same pool).",
    "",
    "| strategy | transfers/s | retries/transfer | p99 ms | failed after 10 tries |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...strategies.map((s) => `| ${s.strategy} | ${s.transfersPerSecond.toFixed(0)} | ${s.retriesPerTransfer.toFixed(3)} | ${s.p99} | ${s.failures} |`),
  ];
  return lines.join("\n");
}
