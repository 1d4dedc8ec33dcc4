import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const WINDOW_MS = 1_500;
const FEED = `{ posts(first: 50) { edges { node { title } } } }`;

/**
 * Routing, proven with two databases: the "replica" is a second migrated
 * database that the test keeps apart from the primary on purpose, holding
 * one post the primary lacks, so every answer says where it was read.
 */
/** A migrated database that holds one post the primary lacks: every answer says where it was read. */
async function replicaDatabase(): Promise<Awaited<ReturnType<typeof createPostgresTestDatabase>>> {
  const replica = await createPostgresTestDatabase();
  const client = new pg.Client({ connectionString: replica.url });
  await client.connect();
  try {
    await client.query(`
      WITH author AS (
        INSERT INTO users (email, handle, name, password_hash, updated_at)
        VALUES ('replica@example.com', 'replicawriter', 'Replica Writer', 'not a hash', now()) RETURNING id)
      INSERT INTO posts (author_id, title, slug, body, status, published_at, updated_at)
      SELECT id, 'Only on the replica', 'only-on-the-replica', 'Body.', 'PUBLISHED', now(), now() FROM author`);
  } finally {
    await client.end();
  }
  return replica;
}

const feedTitlesOf = async (t: TestApp, token?: string) => {
  const response = await t.graphql<{ posts: { edges: { node: { title: string } }[] } }>(FEED, { token });
  expectNoErrors(response);
  return response.body.data!.posts.edges.map((edge) => edge.node.title);
};

describe.runIf(testDatabaseKinds.includes("postgres"))("read replicas (DATABASE_REPLICA_URLS)", () => {
  let replica: Awaited<ReturnType<typeof createPostgresTestDatabase>>;
  let t: TestApp;

  beforeAll(async () => {
    replica = await replicaDatabase();
    t = await startTestApp("postgres", { env: { DATABASE_REPLICA_URLS: replica.url, DB_READ_YOUR_WRITES_MS: String(WINDOW_MS) } });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await replica?.drop();
  });

  const feedTitles = (token?: string) => feedTitlesOf(t, token);

  it("reads queries from the replica, and mutations, their payloads and the writer's next reads from the primary", async () => {
    expect(await feedTitles()).toEqual(["Only on the replica"]);

    const author = await signUp(t);
    // The mutations and their payloads: the primary (the replica has no such account to write for).
    await createPost(t, author, { title: "Written on the primary", publish: true });
    // Within the window, the writer reads the primary and sees the write; everyone else reads the replica.
    expect(await feedTitles(author.token)).toEqual(["Written on the primary"]);
    expect(await feedTitles()).toEqual(["Only on the replica"]);

    // After it, the writer reads a replica again.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));
    expect(await feedTitles(author.token)).toEqual(["Only on the replica"]);
  });

  it("looks the viewer up on the primary, so a suspension counts from its commit", async () => {
    const reader = await signUp(t);
    const { id } = await t.app.database.prisma.user.update({ where: { handle: reader.handle }, data: { suspendedAt: new Date() } });
    // The replica has not seen the suspension: there the account is active.
    const client = new pg.Client({ connectionString: replica.url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO users (id, email, handle, name, password_hash, updated_at) VALUES ($1, $2, $3, 'Reader', 'not a hash', now())`,
        [id, reader.email, reader.handle],
      );
    } finally {
      await client.end();
    }
    const response = await t.graphql(`{ viewer { handle } }`, { token: reader.token });
    expect(response.body).toEqual({ data: { viewer: null } });
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))("read replicas behind two instances that share a Redis", () => {
  let primary: Awaited<ReturnType<typeof createPostgresTestDatabase>>;
  let replica: Awaited<ReturnType<typeof createPostgresTestDatabase>>;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    [primary, replica] = await Promise.all([createPostgresTestDatabase(), replicaDatabase()]);
    const env = { DATABASE_REPLICA_URLS: replica.url, DB_READ_YOUR_WRITES_MS: "5000", REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379" };
    first = await startTestApp("postgres", { databaseUrl: primary.url, env });
    second = await startTestApp("postgres", { databaseUrl: primary.url, env, migrate: false });
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await Promise.all([primary?.drop(), replica?.drop()]);
  });

  it("sends a writer's next reads to the primary on the other instance too", async () => {
    const author = await signUp(first);
    await createPost(first, author, { title: "Written through the first instance", publish: true });
    // The second instance hears of the write through Redis, a moment after the commit.
    await expect.poll(() => feedTitlesOf(second, author.token), { timeout: 2_000, interval: 20 }).toEqual(["Written through the first instance"]);
    // Everyone else still reads the replica there.
    expect(await feedTitlesOf(second)).toEqual(["Only on the replica"]);
  });
});
