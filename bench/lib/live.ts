/**
 * Live updates and scale-out, as issue 18 asks them measured:
 * - fan-out: two Inkwell instances on one PostgreSQL and one Redis, SSE
 *   subscribers spread over both and over posts, and one comment every
 *   10 ms written through either instance. Reported: delivery latency from
 *   the comment's commit to the subscriber (p50, p99), events lost and
 *   duplicated (both must be 0), and server CPU per delivered event;
 * - scale-out: W1 and W2 throughput of one Inkwell process against two
 *   behind Node's cluster module (bench/systems/cluster.ts), on both cores,
 *   in interleaved rounds.
 */
import pg from "pg";
import { deploymentOf } from "../../src/auth/deployment.js";
import { createTokenService } from "../../src/auth/tokens.js";
import { loadConfig } from "../../src/config.js";
import { median } from "./load.js";
import { inkwellServerScript, startServer, type ServerProcess } from "./processes.js";
import { interleavedRounds, roundRatio, type RoundRatio, type RoundSettings } from "./rounds.js";

export interface FanOutResult {
  subscribers: number;
  posts: number;
  instances: number;
  comments: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuMsPerDelivery: number;
  /** Every SQL statement both instances sent (the writes' and the subscriptions' reads), per comment written. */
  sqlStatementsPerComment: number;
  seconds: number;
}

export interface ScaleOutResult {
  workload: string;
  one: { rps: number; cpuMsPerRequest: number };
  two: { rps: number; cpuMsPerRequest: number };
  twoToOne: RoundRatio | undefined;
}

const COMMENT_EVERY_MS = 10;

/** The runs' sizes: as the issue asks, or (quick) just enough to check the harness. */
export function liveSettings(quick: boolean): { fanOut: { subscribers: number; posts: number; seconds: number }; rounds: RoundSettings } {
  return quick
    ? { fanOut: { subscribers: 200, posts: 10, seconds: 3 }, rounds: { rounds: 2, windowSeconds: 1, warmupSeconds: 1, connections: 32 } }
    : { fanOut: { subscribers: 2_000, posts: 100, seconds: 20 }, rounds: { rounds: 8, windowSeconds: 2, warmupSeconds: 1, connections: 32 } };
}

/** A subscriber's events as they arrive: each comment's id, and when it arrived. */
interface Heard {
  id: string;
  createdAt: number;
  at: number;
}

const SUBSCRIPTION = `subscription Live($postId: ID!) { commentAdded(postId: $postId) { node { id createdAt } } }`;

/** Opens one SSE subscription and records every comment it delivers; resolves once the stream is open. */
async function listen(url: string, postId: string, heard: Heard[], signal: AbortSignal): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query: SUBSCRIPTION, variables: { postId } }),
    signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`subscription refused: ${response.status} ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  // The first chunk is Yoga's opening comment: the stream is open, the listener attached.
  await reader.read();
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const at = Date.now();
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          if (!data) continue;
          const node = (JSON.parse(data.slice(6)) as { data?: { commentAdded?: { node: { id: string; createdAt: string } } } }).data?.commentAdded?.node;
          if (node) heard.push({ id: node.id, createdAt: Date.parse(node.createdAt), at });
        }
      }
    } catch {
      // Aborted at the end of the run.
    }
  })();
}

export async function fanOutBenchmark(options: {
  databaseUrl: string;
  redisUrl: string;
  authSecret: string;
  env: (databaseUrl: string) => Record<string, string>;
  subscribers: number;
  posts: number;
  seconds: number;
  log: (line: string) => void;
}): Promise<FanOutResult> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const { rows: posts } = await client.query<{ id: number }>(
    `SELECT id FROM posts WHERE status = 'PUBLISHED' ORDER BY id LIMIT $1`,
    [options.posts],
  );
  const { rows: writers } = await client.query<{ id: number }>(`SELECT id FROM users WHERE suspended_at IS NULL ORDER BY id LIMIT 20`);
  const tokens = createTokenService(options.authSecret, 3600, deploymentOf(loadConfig({ DATABASE_URL: options.databaseUrl }).database));
  const writerTokens = await Promise.all(writers.map((writer) => tokens.issue(writer.id)));
  const postIds = posts.map((post) => Buffer.from(`Post:${post.id}`).toString("base64"));
  const env = {
    ...options.env(options.databaseUrl),
    REDIS_URL: options.redisUrl,
    SUBSCRIPTIONS_PER_VIEWER: String(options.subscribers),
    SUBSCRIPTIONS_PER_PROCESS: String(options.subscribers),
  };
  const instances: ServerProcess[] = [];
  const abort = new AbortController();
  try {
    const script = inkwellServerScript();
    instances.push(await startServer({ script, port: 4810, env, core: 0 }));
    instances.push(await startServer({ script, port: 4811, env, core: 1 }));
    // Subscribers: every post gets subscribers/posts of them, alternately on each instance.
    const heard: Heard[][] = [];
    const subscriberPost: string[] = [];
    const opening: Promise<void>[] = [];
    for (let i = 0; i < options.subscribers; i += 1) {
      const list: Heard[] = [];
      heard.push(list);
      const postId = postIds[i % postIds.length]!;
      subscriberPost.push(postId);
      opening.push(listen(instances[i % instances.length]!.url, postId, list, abort.signal));
      if (opening.length % 200 === 0) await Promise.all(opening.slice(-200));
    }
    await Promise.all(opening);
    options.log(`${options.subscribers} subscribers open on ${instances.length} instances, over ${postIds.length} posts`);
    const statementsBefore = await statementCount(instances);
    const cpuBefore = instances.map((instance) => instance.cpuMs());
    const started = Date.now();
    const written: { id: string; postId: string }[] = [];
    const failures: string[] = [];
    const writes: Promise<void>[] = [];
    const total = Math.round((options.seconds * 1000) / COMMENT_EVERY_MS);
    for (let n = 0; n < total; n += 1) {
      // On schedule: comment n goes out at started + n × 10 ms, whatever the previous ones took.
      const wait = started + n * COMMENT_EVERY_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const postId = postIds[n % postIds.length]!;
      const instance = instances[n % instances.length]!;
      writes.push(
        fetch(instance.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${writerTokens[n % writerTokens.length]}` },
          body: JSON.stringify({ query: `mutation Add($input: AddCommentInput!) { addComment(input: $input) { id } }`, variables: { input: { postId, body: `Fan-out ${n}.` } } }),
        })
          .then((response) => response.json() as Promise<{ data?: { addComment: { id: string } }; errors?: unknown[] }>)
          .then((body) => {
            if (body.data?.addComment) written.push({ id: body.data.addComment.id, postId });
            else failures.push(JSON.stringify(body.errors));
          }),
      );
    }
    await Promise.all(writes);
    const writtenAt = Date.now();
    const perPost = new Map<string, number>();
    for (const postId of subscriberPost) perPost.set(postId, (perPost.get(postId) ?? 0) + 1);
    const expected = written.reduce((sum, comment) => sum + perPost.get(comment.postId)!, 0);
    const deliveredCount = () => heard.reduce((sum, list) => sum + list.length, 0);
    // Let the last deliveries land: until everything expected has arrived, or 10 s pass.
    while (deliveredCount() < expected && Date.now() - writtenAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const cpuMs = instances.reduce((sum, instance, i) => sum + instance.cpuMs() - cpuBefore[i]!, 0);
    const statements = (await statementCount(instances)) - statementsBefore;
    const writtenIds = new Map(written.map((comment) => [comment.id, comment.postId]));
    let lost = 0;
    let duplicates = 0;
    const latencies: number[] = [];
    heard.forEach((list, i) => {
      const ids = new Set<string>();
      for (const event of list) {
        if (ids.has(event.id)) duplicates += 1;
        ids.add(event.id);
        latencies.push(event.at - event.createdAt);
      }
      for (const [id, postId] of writtenIds) if (postId === subscriberPost[i] && !ids.has(id)) lost += 1;
    });
    if (failures.length) options.log(`${failures.length} comments failed: ${failures[0]}`);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    const delivered = deliveredCount();
    return {
      subscribers: options.subscribers,
      posts: postIds.length,
      instances: instances.length,
      comments: written.length,
      expectedDeliveries: expected,
      delivered,
      lost,
      duplicates,
      p50Ms: median(latencies),
      p99Ms: at(0.99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      cpuMsPerDelivery: cpuMs / Math.max(1, delivered),
      sqlStatementsPerComment: statements / Math.max(1, written.length),
      seconds: options.seconds,
    };
  } finally {
    abort.abort();
    await Promise.all(instances.map((instance) => instance.stop()));
    await client.end();
  }
}

/** The SQL statements the instances have sent, as their own metrics count them at the driver adapter. */
async function statementCount(instances: ServerProcess[]): Promise<number> {
  let total = 0;
  for (const instance of instances) {
    const text = await (await fetch(new URL("/metrics", instance.url))).text();
    total += Number(text.match(/^inkwell_sql_statement_duration_seconds_count (\d+)/m)?.[1] ?? Number.NaN);
  }
  return total;
}

export async function scaleOutBenchmark(options: {
  env: Record<string, string>;
  bodies: Record<"W1" | "W2", () => string>;
  settings: RoundSettings;
  log: (line: string) => void;
}): Promise<ScaleOutResult[]> {
  const inkwell = inkwellServerScript();
  const start = (workers: number, port: number) =>
    startServer({ script: "bench/systems/cluster.ts", port, env: { ...options.env, INKWELL_WORKERS: String(workers), INKWELL_SCRIPT: inkwell }, core: "0,1" });
  const one = await start(1, 4820);
  const two = await start(2, 4821);
  try {
    const results: ScaleOutResult[] = [];
    for (const workload of ["W1", "W2"] as const) {
      options.log(`scale-out ${workload}: 1 process against 2, ${options.settings.rounds} rounds`);
      const [ones, twos] = await interleavedRounds(
        [
          { server: one, next: options.bodies[workload] },
          { server: two, next: options.bodies[workload] },
        ],
        options.settings,
      );
      const rps = (rounds: typeof ones) => median(rounds!.map((round) => round.rps));
      const cpu = (rounds: typeof ones) => median(rounds!.map((round) => round.cpuMsPerRequest));
      results.push({
        workload,
        one: { rps: rps(ones), cpuMsPerRequest: cpu(ones) },
        two: { rps: rps(twos), cpuMsPerRequest: cpu(twos) },
        twoToOne: roundRatio(twos!.map((round) => round.rps), ones!.map((round) => round.rps)),
      });
    }
    return results;
  } finally {
    await Promise.all([one.stop(), two.stop()]);
  }
}

export function renderLive(fanOut: FanOutResult, scaleOut: ScaleOutResult[], settings: RoundSettings): string {
  const f = fanOut;
  return [
    "### Live updates: fan-out through Redis",
    "",
    `${f.instances} Inkwell instances (one per core) on one PostgreSQL and one Redis; ${f.subscribers} SSE subscribers to \`commentAdded\`, ` +
      `half on each instance, ${f.subscribers / f.posts} on each of ${f.posts} posts; one comment every ${COMMENT_EVERY_MS} ms for ${f.seconds} s, written through ` +
      "either instance in turn. Latency runs from the comment's `createdAt` (its transaction's start, so it includes the insert and the COMMIT) to the subscriber's receipt, on one clock.",
    "",
    "| comments | deliveries expected | delivered | lost | duplicates | p50 ms | p99 ms | max ms | server CPU ms per delivery | SQL statements per comment |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${f.comments} | ${f.expectedDeliveries} | ${f.delivered} | ${f.lost} | ${f.duplicates} | ${f.p50Ms.toFixed(0)} | ${f.p99Ms.toFixed(0)} | ${f.maxMs.toFixed(0)} | ` +
      `${f.cpuMsPerDelivery.toFixed(3)} | ${f.sqlStatementsPerComment.toFixed(1)} |`,
    "",
    "### Scale-out: one process against two",
    "",
    `The same Inkwell as one process and as two behind Node's cluster module (bench/systems/cluster.ts), both on both cores with PostgreSQL and autocannon; ` +
      `the load alternates between them in ${settings.rounds} rounds of ${settings.windowSeconds} s windows. CPU ms/req counts every process of the system.`,
    "",
    "| workload | 1 process req/s | CPU ms/req | 2 processes req/s | CPU ms/req | 2 / 1 (middle half) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...scaleOut.map(
      (r) =>
        `| ${r.workload} | ${r.one.rps.toFixed(0)} | ${r.one.cpuMsPerRequest.toFixed(2)} | ${r.two.rps.toFixed(0)} | ${r.two.cpuMsPerRequest.toFixed(2)} | ` +
        (r.twoToOne ? `${r.twoToOne.median.toFixed(2)}× (${r.twoToOne.low.toFixed(2)}–${r.twoToOne.high.toFixed(2)})` : "?") +
        " |",
    ),
  ].join("\n");
}
