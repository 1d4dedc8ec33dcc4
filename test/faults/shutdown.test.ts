import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { startPrivateCluster, type PrivateCluster } from "../support/private-postgres.js";
import { startTestApp, TEST_AUTH_SECRET } from "../support/test-app.js";

/**
 * SIGTERM while 200 requests are in flight, against the real server
 * process: every request it accepted gets its answer (no resets), and the
 * process exits 0 within its 10 s grace period.
 */
const GRACE_MS = 10_000;
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

describe("SIGTERM under load", () => {
  it("answers all 200 requests in flight, resets none, and exits 0 within the grace period", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
      env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1", DATABASE_URL: cluster.url, AUTH_SECRET: TEST_AUTH_SECRET, DB_POOL_SIZE: "5" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on("exit", (code) => resolve({ code, at: performance.now() })));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", () => {
          const match = output.match(/"message":"listening","url":"(http:[^"]+)"/);
          if (match) resolve(match[1]!);
        });
        void exited.then(() => reject(new Error(`server exited: ${output}`)));
      });

      let answered = 0;
      const requests = Array.from({ length: 200 }, (_, i) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: `{ posts(first: 20) { edges { node { title author { handle } tags { name } } } } }`, operationName: null, variables: { i } }),
        }).then(
          async (response) => {
            answered += 1;
            const body = (await response.json()) as { data?: { posts: { edges: unknown[] } }; errors?: unknown };
            return { status: response.status, edges: body.data?.posts.edges.length ?? 0, errors: body.errors };
          },
          (error: Error) => ({ status: 0, edges: 0, errors: `${error.message} ${String((error.cause as Error | undefined)?.message ?? "")}` }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const inFlight = 200 - answered;
      const signalledAt = performance.now();
      child.kill("SIGTERM");
      const results = await Promise.all(requests);
      const { code, at } = await exited;

      expect(inFlight, "requests still in flight when SIGTERM was sent").toBeGreaterThanOrEqual(100);
      expect(results.filter((result) => result.status !== 200)).toEqual([]);
      expect(results.every((result) => result.edges === 20 && result.errors === undefined)).toBe(true);
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(GRACE_MS);
      expect(output).toContain('"message":"stopped"');
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
