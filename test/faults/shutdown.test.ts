import { spawn } from "node:child_process";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { startPrivateCluster, type PrivateCluster } from "../support/private-postgres.js";
import { startTestApp, TEST_AUTH_SECRET } from "../support/test-app.js";
import { serverArgs } from "../support/server-process.js";

/**
 * SIGTERM while 200 requests are in flight, against the real server
 * process: every request it accepted gets its answer (no resets), and the
 * process exits 0 within its 10 s grace period, with a margin for a
 * loaded machine whose timers fire late.
 */
const GRACE_MS = 10_000;
const MARGIN_MS = 500;
let cluster: PrivateCluster;

beforeAll(async () => {
  cluster = await startPrivateCluster();
  const t = await startTestApp("postgres", { databaseUrl: cluster.url });
  await seedDatabase(t.app.database.prisma, { users: 20, postsPerUser: 10, commentsPerPost: 2 });
  await t.close();
}, 120_000);

afterAll(async () => {
  await cluster?.destroy();
});

type ServerEnv = Record<string, string>;

/** The real server process on the private cluster, as `npm start` runs it. */
async function startServer(env: ServerEnv = {}) {
  const child = spawn(process.execPath, serverArgs(), {
    env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1", DATABASE_URL: cluster.url, AUTH_SECRET: TEST_AUTH_SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on("exit", (code) => resolve({ code, at: performance.now() })));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const match = output.match(/"message":"listening","url":"(http:[^"]+)"/);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`server exited: ${output}`)));
  });
  return { child, url, exited, output: () => output };
}

const FEED = `{ posts(first: 20) { edges { node { title author { handle } tags { name } } } } }`;

async function ask(url: string) {
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: FEED }) });
    const body = (await response.json()) as { data?: { posts: { edges: unknown[] } }; errors?: Array<{ extensions?: { code?: string } }> };
    return { status: response.status, retryAfter: response.headers.get("retry-after"), edges: body.data?.posts.edges.length ?? 0, errors: body.errors };
  } catch (error) {
    return { status: 0, retryAfter: null, edges: 0, errors: `${(error as Error).message} ${String(((error as Error).cause as Error | undefined)?.message ?? "")}` };
  }
}

/**
 * One request over its own keep-alive connection, with a promise for the
 * moment its bytes have left for the server: a request sent before the
 * signal is one the server must answer.
 */
function send(url: string, agent: http.Agent) {
  const request = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json" } });
  const sent = new Promise<void>((resolve) => request.on("finish", resolve));
  const answer = new Promise<{ status: number; edges: number; errors?: unknown }>((resolve) => {
    request.on("response", (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => {
        const body = JSON.parse(text) as { data?: { posts: { edges: unknown[] } }; errors?: unknown };
        resolve({ status: response.statusCode ?? 0, edges: body.data?.posts.edges.length ?? 0, errors: body.errors });
      });
    });
    request.on("error", (error) => resolve({ status: 0, edges: 0, errors: error.message }));
  });
  request.end(JSON.stringify({ query: FEED }));
  return { sent, answer };
}

describe("SIGTERM", () => {
  it("with 200 requests in flight: answers all of them, resets none, and exits 0 within the grace period", async () => {
    const server = await startServer({ DB_POOL_SIZE: "5" });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
      let answered = 0;
      const requests = Array.from({ length: 200 }, () => send(server.url, agent));
      for (const { answer } of requests) void answer.then(() => (answered += 1));
      await Promise.all(requests.map(({ sent }) => sent));
      const inFlight = 200 - answered;
      const signalledAt = performance.now();
      server.child.kill("SIGTERM");
      const results = await Promise.all(requests.map(({ answer }) => answer));
      const { code, at } = await server.exited;
      agent.destroy();

      expect(inFlight, "requests still in flight when SIGTERM was sent").toBeGreaterThanOrEqual(100);
      expect(results.filter((result) => result.status !== 200)).toEqual([]);
      expect(results.every((result) => result.edges === 20 && result.errors === undefined)).toBe(true);
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(GRACE_MS - MARGIN_MS);
      expect(server.output()).toContain('"message":"stopped"');
    } finally {
      server.child.kill("SIGKILL");
    }
  }, 60_000);

  it("with the database frozen under load: answers every request (503 SHUTTING_DOWN where it had to), and exits 0 inside the grace period", async () => {
    // The server's own defaults: a frozen database would hold a request for 12 s (DB_QUERY_TIMEOUT_MS).
    const server = await startServer();
    try {
      expect((await ask(server.url)).edges).toBe(20);
      await cluster.freeze();
      // More than the pool holds: some wait inside the database, the rest for a connection.
      const held = Array.from({ length: 40 }, () => ask(server.url));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const signalledAt = performance.now();
      server.child.kill("SIGTERM");
      const answers = await Promise.all(held);
      const { code, at } = await server.exited;
      await cluster.thaw();

      expect(answers.filter((answer) => answer.status === 0)).toEqual([]);
      // Requests holding a connection inside the frozen database are answered SHUTTING_DOWN at the end of the
      // grace period; those still waiting for a connection may have been told before that that the database
      // is busy or unreachable (which of them depends on the Node and the pool's timers): all are 503s to retry.
      const codes = answers.map((answer) => (typeof answer.errors === "string" ? answer.errors : answer.errors?.[0]?.extensions?.code));
      expect(codes).toContain("SHUTTING_DOWN");
      expect(codes.filter((code) => code !== "SHUTTING_DOWN" && !String(code).startsWith("DATABASE_"))).toEqual([]);
      expect(answers.every((answer) => answer.status === 503 && answer.retryAfter !== null)).toBe(true);
      expect(at - signalledAt).toBeLessThan(GRACE_MS - MARGIN_MS);
      expect(code).toBe(0);
      expect(server.output()).toContain("its connections end with the process");
    } finally {
      await cluster.thaw();
      server.child.kill("SIGKILL");
    }
  }, 60_000);
});
