import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPost, signUp, unique, type TestUser } from "../support/fixtures.js";
import { startPrivateCluster, type PrivateCluster } from "../support/private-postgres.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Faults of the database under a running server, on a PostgreSQL cluster
 * of the test's own (run with `npm run test:faults`). What a client may
 * see is a 503 with a DATABASE_* code; never a 500, never a hang past the
 * configured bounds, and never the loss of a write it was told succeeded.
 */
const SETTINGS = {
  DB_POOL_SIZE: "4",
  DB_POOL_TIMEOUT_MS: "500",
  DB_STATEMENT_TIMEOUT_MS: "1000",
  DB_QUERY_TIMEOUT_MS: "1500",
  DB_TRANSACTION_MAX_WAIT_MS: "500",
  DB_TRANSACTION_TIMEOUT_MS: "2000",
};
const DATABASE_CODES = ["DATABASE_UNAVAILABLE", "DATABASE_BUSY", "DATABASE_TIMEOUT"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cluster: PrivateCluster;
let t: TestApp;
let writer: TestUser;

beforeAll(async () => {
  cluster = await startPrivateCluster();
  t = await startTestApp("postgres", { databaseUrl: cluster.url, env: SETTINGS });
  writer = await signUp(t);
  await createPost(t, writer);
}, 120_000);

afterAll(async () => {
  await t?.close().catch(() => undefined);
  await cluster?.destroy();
});

const FEED = `{ posts(first: 5) { edges { node { title author { handle } } } } }`;
const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`;

/** Every answer is a success or a 503 with a database code, never anything else. */
function classify(response: Awaited<ReturnType<TestApp["graphql"]>>): "ok" | "unavailable" {
  if (response.status === 200 && !response.body.errors) return "ok";
  expect(response.status, JSON.stringify(response.body)).toBe(503);
  expect(response.headers.get("retry-after")).toBe("1");
  for (const error of response.body.errors ?? []) expect(DATABASE_CODES).toContain(error.extensions?.code);
  return "unavailable";
}

describe("a PostgreSQL that is killed mid-load", () => {
  it("loses no acknowledged write, answers 503 while it is down, and serves again within 1 s of its return", async () => {
    const acknowledged: string[] = [];
    const counts = { ok: 0, unavailable: 0 };
    let firstSuccessAfterReturn: number | null = null;
    let backAt: number | null = null;
    let running = true;
    const worker = async () => {
      while (running) {
        const response = await t.graphql<{ createPost: { id: string } }>(CREATE, {
          token: writer.token,
          variables: { input: { title: unique("Load "), body: "Written under fire." } },
        });
        const outcome = classify(response);
        counts[outcome] += 1;
        if (outcome === "ok") {
          acknowledged.push(response.body.data!.createPost.id);
          if (backAt !== null && firstSuccessAfterReturn === null) firstSuccessAfterReturn = performance.now();
        } else {
          await sleep(20);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(800);
    const beforeKill = acknowledged.length;
    await cluster.kill();
    await sleep(1_000);
    await cluster.start();
    backAt = performance.now();
    await sleep(2_000);
    running = false;
    await Promise.all(workers);

    expect(beforeKill).toBeGreaterThan(0);
    expect(counts.unavailable).toBeGreaterThan(0);
    expect(firstSuccessAfterReturn).not.toBeNull();
    expect(firstSuccessAfterReturn! - backAt!).toBeLessThan(1_000);
    const ids = acknowledged.map((id) => Number(Buffer.from(id, "base64").toString().split(":")[1]));
    const stored = await t.app.database.prisma.post.count({ where: { id: { in: ids } } });
    expect(stored).toBe(acknowledged.length);
    // And the server is still the same process, serving.
    expect(classify(await t.graphql(FEED))).toBe("ok");
  }, 60_000);
});

describe("an exhausted pool", () => {
  it("fails fast with DATABASE_BUSY instead of queueing without end", async () => {
    // Every pooled connection is held by a transaction that sleeps.
    const holders = Array.from({ length: 4 }, () =>
      t.app.database.prisma.$transaction((tx) => tx.$executeRawUnsafe(`SELECT pg_sleep(0.9)`), { timeout: 5_000, maxWait: 5_000 }),
    );
    await sleep(150);
    const startedAt = performance.now();
    const response = await t.graphql(FEED);
    const took = performance.now() - startedAt;
    expect(response.status).toBe(503);
    expect(response.body.errors?.map((error) => error.extensions?.code)).toContain("DATABASE_BUSY");
    // Bounded by DB_POOL_TIMEOUT_MS (500 ms), well before the holders let go.
    expect(took).toBeLessThan(850);
    await Promise.all(holders);
    expect(classify(await t.graphql(FEED))).toBe("ok");
  }, 30_000);
});

describe("a frozen PostgreSQL", () => {
  it("answers reads and writes within the configured bounds, then serves again when it thaws", async () => {
    expect(classify(await t.graphql(FEED))).toBe("ok");
    await cluster.freeze();
    try {
      const startedAt = performance.now();
      const [read, write] = await Promise.all([
        t.graphql(FEED),
        t.graphql(CREATE, { token: writer.token, variables: { input: { title: unique("Frozen "), body: "Never written." } } }),
      ]);
      const took = performance.now() - startedAt;
      expect(classify(read)).toBe("unavailable");
      expect(classify(write)).toBe("unavailable");
      // The longest bound is the transaction's 2 s; nothing waits for PostgreSQL itself.
      expect(took).toBeLessThan(4_000);
    } finally {
      await cluster.thaw();
    }
    let recovered = false;
    for (let attempt = 0; attempt < 20 && !recovered; attempt++) {
      recovered = classify(await t.graphql(FEED)) === "ok";
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    expect(await t.app.database.prisma.post.count({ where: { title: { startsWith: "Frozen " } } })).toBe(0);
  }, 30_000);
});
