/**
 * npm run bench:ab -- '<variants JSON>' [W0,W1,W2]
 *
 * A/B of Inkwell variants on a seeded PostgreSQL database (BENCH_DATABASE_URL,
 * default postgresql://postgres@127.0.0.1:5432/inkwell_ab; seed it with
 * `npm run db:seed -- --users 1000 --posts-per-user 10 --comments-per-post 5
 * --draft-every 0`, with DEMO_PASSWORD set: W3 logs in as writer1@example.com with
 * AB_PASSWORD, default "benchpass-benchpass"). A variant is
 * `{ "name": …, "dir"?: checkout, "env"?: {…}, "node"?: binary, "nodeFlags"?: […] }`:
 * another checkout (a git worktree sharing this node_modules, or with
 * node_modules of its own: it runs in that directory), other
 * settings, another Node (the machine's own /usr/bin/node, say, against the
 * project's), or other Node flags (in place of NODE_FLAGS, lib/processes.ts).
 *
 * These machines are shared and noisy: the same server's CPU per request
 * can double from one minute to the next. So every variant runs at once,
 * warm, pinned to the same core, and the load alternates between them in
 * short windows, round after round (lib/rounds.ts); the report gives each
 * variant's median CPU per request and the median of its per-round ratio to
 * the first (with the middle half of the rounds), which the noise moves far
 * less than either number.
 */
import { spawnSync } from "node:child_process";
import { median } from "./lib/load.js";
import { inkwellServerScript, pinProcesses, startServer, type ServerProcess, type ServerVariant } from "./lib/processes.js";
import { interleavedRounds, roundRatio } from "./lib/rounds.js";
import { QUERIES, type WorkloadName } from "./lib/workloads.js";

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/inkwell_ab";
const ROUNDS = Number(process.env.AB_ROUNDS ?? 8);
const WINDOW_S = Number(process.env.AB_WINDOW_S ?? 2);
const AUTH_SECRET = "benchmark-secret-benchmark-secret-benchmark";

const variants = JSON.parse(process.argv[2] ?? "[]") as ServerVariant[];
const workloads = (process.argv[3] ?? "W0,W1,W2").split(",") as WorkloadName[];
if (variants.length < 1) throw new Error("usage: npm run bench:ab -- '[{\"name\":\"a\"},{\"name\":\"b\",\"env\":{…}}]' [W0,W1,W2]");

const postgres = spawnSync("pgrep", ["-x", "postgres"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
const unpin = pinProcesses(postgres, 1);
spawnSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });

const servers: ServerProcess[] = [];
try {
  for (const [i, variant] of variants.entries()) {
    servers.push(
      await startServer({
        script: inkwellServerScript(variant.dir),
        cwd: variant.dir,
        port: 4400 + i,
        core: 0,
        node: variant.node,
        nodeFlags: variant.nodeFlags,
        env: { NODE_ENV: "production", AUTH_SECRET, LOG_LEVEL: "warn", DATABASE_URL, DB_POOL_SIZE: "10", ...variant.env },
      }),
    );
  }
  const bodies = await requestBodies(servers[0]!.url);
  for (const workload of workloads) {
    const rounds = await interleavedRounds(
      servers.map((server) => ({ server, ...bodies[workload] })),
      { rounds: ROUNDS, windowSeconds: WINDOW_S, warmupSeconds: 2, connections: 32 },
    );
    for (const [i, variant] of variants.entries()) {
      const failures = rounds[i]!.reduce((sum, round) => sum + round.failures, 0);
      if (failures) throw new Error(`${variant.name} ${workload}: ${failures} failed requests`);
    }
    const cpu = rounds.map((own) => own.map((round) => round.cpuMsPerRequest));
    const rps = rounds.map((own) => own.map((round) => round.rps));
    for (const [i, variant] of variants.entries()) {
      const cpuRatio = roundRatio(cpu[i]!, cpu[0]!)!;
      const rpsRatio = roundRatio(rps[i]!, rps[0]!)!;
      console.log(
        `${workload}  ${variant.name.padEnd(24)} ${median(cpu[i]!).toFixed(3)} CPU ms/req, ${median(rps[i]!).toFixed(0)} req/s` +
          (i
            ? `   CPU ${cpuRatio.median.toFixed(2)}× (${cpuRatio.low.toFixed(2)}–${cpuRatio.high.toFixed(2)}), ` +
              `req/s ${rpsRatio.median.toFixed(2)}× (${rpsRatio.low.toFixed(2)}–${rpsRatio.high.toFixed(2)}) the first`
            : ""),
      );
    }
  }
  // Memory is what a flag like a larger young generation spends for its CPU.
  for (const [i, variant] of variants.entries()) console.log(`peak RSS  ${variant.name.padEnd(24)} ${servers[i]!.peakRssMiB().toFixed(0)} MiB`);
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  unpin();
}

interface Workload {
  next: () => string;
  headers?: Record<string, string>;
}

/** The workloads' request bodies, with cursors read from Inkwell itself. */
async function requestBodies(url: string): Promise<Record<WorkloadName, Workload>> {
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    return ((await response.json()) as { data: any }).data;
  };
  // W3 comments, as one seeded writer, on the feed's first posts (the token is valid on every variant: same secret, same database).
  const commenter = async (): Promise<Workload> => {
    const password = process.env.AB_PASSWORD ?? "benchpass-benchpass";
    const login = await ask(`mutation($i: LogInInput!) { logIn(input: $i) { token } }`, { i: { email: "writer1@example.com", password } });
    if (!login?.logIn) throw new Error("W3 could not log in as writer1@example.com: seed with DEMO_PASSWORD and pass it as AB_PASSWORD");
    const feed = await ask(`{ posts(first: 50) { edges { node { id } } } }`, {});
    const postIds = cycle(feed.posts.edges.map((edge: { node: { id: string } }) => edge.node.id));
    let comment = 0;
    return {
      headers: { authorization: `Bearer ${login.logIn.token}` },
      next: () => JSON.stringify({ query: inkwell.W3, operationName: "W3", variables: { input: { postId: postIds(), body: `A/B comment #${(comment += 1)}` } } }),
    };
  };
  const collect = async (field: "users" | "posts", pages: number) => {
    const cursors: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < pages; i += 1) {
      const data = await ask(`query($a: String) { ${field}(first: 100, after: $a) { edges { cursor } pageInfo { endCursor } } }`, { a: after });
      cursors.push(...data[field].edges.map((edge: { cursor: string }) => edge.cursor));
      after = data[field].pageInfo.endCursor;
    }
    return cursors;
  };
  const users = (await collect("users", 9)).slice(0, -10);
  const posts = (await collect("posts", 50)).slice(0, -20);
  const comments = workloads.includes("W4") ? await hotComments() : [];
  // The cursors of the five hot posts' first 1,000 comments, read from Inkwell like the full run's.
  async function hotComments(): Promise<{ slug: string; after: string }[]> {
    const starts: { slug: string; after: string }[] = [];
    for (let post = 1; post <= 5; post += 1) {
      const slug = `post-${post}`;
      let after: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        const data: any = await ask(`query($s: String!, $a: String) { post(slug: $s) { comments(first: 100, after: $a) { edges { cursor } pageInfo { endCursor } } } }`, { s: slug, a: after });
        if (!data?.post || data.post.comments.edges.length < 100) throw new Error(`W4 needs ${slug} with 1,000 comments: seed with --hot-posts 5 --hot-post-comments 5000`);
        starts.push(...data.post.comments.edges.map((edge: { cursor: string }) => ({ slug, after: edge.cursor })));
        after = data.post.comments.pageInfo.endCursor;
      }
    }
    return starts;
  }
  const TAGS = ["writing", "fiction", "poetry", "essays", "craft", "editing", "publishing", "research"];
  const cycle = (items: string[]) => {
    let i = 0;
    return () => items[(i = (i * 7 + 13) % items.length)]!;
  };
  const [user, post] = [cycle(users), cycle(posts)];
  const { inkwell } = QUERIES;
  let [hot, tag] = [0, 0];
  return {
    W0: { next: () => JSON.stringify({ query: inkwell.W0, operationName: "W0" }) },
    W1: { next: () => JSON.stringify({ query: inkwell.W1, operationName: "W1", variables: { after: user() } }) },
    W2: { next: () => JSON.stringify({ query: inkwell.W2, operationName: "W2", variables: { after: post() } }) },
    W3: workloads.includes("W3") ? await commenter() : { next: () => "" },
    // On a deep data set (BENCH_DATABASE_URL seeded with --hot-posts): a page of a hot post's comments after one of its
    // first 1,000, as the full run pages (bench/lib/inputs.ts), and the tags' first posts.
    W4: { next: () => JSON.stringify({ query: inkwell.W4, operationName: "W4", variables: comments[(hot = (hot + 7) % comments.length)] }) },
    W5: { next: () => JSON.stringify({ query: inkwell.W5, operationName: "W5", variables: { name: TAGS[(tag = (tag + 1) % TAGS.length)] } }) },
  };
}
