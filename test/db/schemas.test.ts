import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { recount } from "../../src/jobs/recount.js";
import type { Progress } from "../../src/jobs/progress.js";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { uniqueDatabaseName, urlForDatabase, withAdminClient } from "../support/databases.js";
import { createPost, expectNoErrors, signUp } from "../support/fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import pg from "pg";

const quiet = (): Progress => ({ advance: () => undefined, done: () => undefined });

describe("DATABASE_SCHEMA", () => {
  it("must be a plain identifier, and needs PostgreSQL", () => {
    for (const bad of ["Tenant", "a-b", "1st", "pg_catalog", 'x"; DROP TABLE users; --', "a".repeat(64)]) {
      expect(() => loadConfig({ DATABASE_URL: "postgresql://localhost/x", DATABASE_SCHEMA: bad })).toThrow(/^DATABASE_SCHEMA: must be a lower-case identifier/);
    }
    expect(() => loadConfig({ DATABASE_SCHEMA: "tenant_a" })).toThrow(/^DATABASE_SCHEMA: needs DATABASE_URL/);
    expect(loadConfig({ DATABASE_URL: "postgresql://localhost/x" }).database).toMatchObject({ schema: "public" });
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("two instances with their own schemas in one PostgreSQL database", () => {
  let database: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // An empty database, not the tests' migrated template: public must stay empty.
    const name = uniqueDatabaseName("inkwell_schemas");
    await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
    database = {
      url: urlForDatabase(name),
      drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
    };
    // Each migrates its own schema on start (startTestApp migrates PostgreSQL), one after the other.
    a = await startTestApp("postgres", { databaseUrl: database.url, env: { DATABASE_SCHEMA: "tenant_a" } });
    b = await startTestApp("postgres", { databaseUrl: database.url, env: { DATABASE_SCHEMA: "tenant_b" } });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it("keeps every table, migration record, type and trigger in the instance's schema, and nothing in public", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const tables = await client.query<{ schema: string; count: number }>(
        `SELECT table_schema AS schema, count(*)::int AS count FROM information_schema.tables WHERE table_schema IN ('public', 'tenant_a', 'tenant_b') GROUP BY 1 ORDER BY 1`,
      );
      const expected = (await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM information_schema.tables WHERE table_schema = 'tenant_a'`)).rows[0]!.count;
      expect(expected).toBeGreaterThan(10);
      expect(tables.rows).toEqual([{ schema: "tenant_a", count: expected }, { schema: "tenant_b", count: expected }]);
      const migrations = await client.query(`SELECT (SELECT count(*) FROM tenant_a._prisma_migrations)::int AS a, (SELECT count(*) FROM tenant_b._prisma_migrations)::int AS b`);
      expect(migrations.rows[0].a).toBe(migrations.rows[0].b);
      const types = await client.query(`SELECT n.nspname AS schema FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'PostStatus' ORDER BY 1`);
      expect(types.rows.map((row) => row.schema)).toEqual(["tenant_a", "tenant_b"]);
    } finally {
      await client.end();
    }
    await expect(a.app.database.ready()).resolves.toBeUndefined();
    await expect(b.app.database.ready()).resolves.toBeUndefined();
  });

  it("serves each instance its own data through Prisma, raw SQL, search, stats and jobs", async () => {
    // The same handle and email in both: each schema has its own unique indexes.
    const writerA = await signUp(a, { handle: "samehandle", email: "same@example.com" });
    const writerB = await signUp(b, { handle: "samehandle", email: "same@example.com" });
    await createPost(a, writerA, { title: "Running in tenant A", body: "Only A has this.", tags: ["alpha"] });
    await createPost(b, writerB, { title: "Walking in tenant B", body: "Only B has this.", tags: ["beta"] });
    await createPost(b, writerB, { title: "Second in tenant B", body: "More of B." });

    const query = `{
      posts(first: 10) { edges { node { title tags { name } } } }
      search(query: "run") { edges { node { title } } }
      tags(first: 10) { edges { node { name postCount } } }
      user(handle: "samehandle") { postCount }
      stats(from: "2026-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { topTags { posts tag { name } } }
    }`;
    const fromA = await a.graphql(query);
    const fromB = await b.graphql(query);
    expectNoErrors(fromA);
    expectNoErrors(fromB);
    expect(fromA.body.data).toEqual({
      posts: { edges: [{ node: { title: "Running in tenant A", tags: [{ name: "alpha" }] } }] },
      search: { edges: [{ node: { title: "Running in tenant A" } }] },
      tags: { edges: [{ node: { name: "alpha", postCount: 1 } }] },
      user: { postCount: 1 },
      stats: { topTags: [{ posts: 1, tag: { name: "alpha" } }] },
    });
    expect(fromB.body.data).toMatchObject({
      posts: { edges: [{ node: { title: "Second in tenant B" } }, { node: { title: "Walking in tenant B" } }] },
      search: { edges: [] },
      tags: { edges: [{ node: { name: "beta", postCount: 1 } }] },
      user: { postCount: 2 },
      stats: { topTags: [{ posts: 1, tag: { name: "beta" } }] },
    });
    // Prisma qualifies its tables with the adapter's `schema` (prisma/orm#28611 did not bite in 7.10.0:
    // had it, they would name "public", which is empty here); the raw SQL runner relies on search_path.
    const write = await a.graphql(`mutation { createPost(input: { title: "Qualified", body: "B." }) { id } }`, { token: writerA.token });
    expectNoErrors(write);
    expect(write.statements.filter((sql) => sql.includes('"public".'))).toEqual([]);
    expect(write.statements.some((sql) => sql.includes('"tenant_a"."posts"'))).toBe(true);
    await a.app.database.prisma.post.deleteMany({ where: { title: "Qualified" } });
    // Prisma's own queries and the raw SQL runner agree.
    expect(await a.app.database.prisma.post.count()).toBe(1);
    expect(await b.app.database.prisma.post.count()).toBe(2);
    expect((await b.app.database.sql.query<{ n: number }>(Prisma.sql`SELECT count(*)::int AS "n" FROM "posts"`))[0]!.n).toBe(2);
    // A job in one schema walks only that schema's rows.
    const [accountsA, tagsA, usersA] = [await a.app.database.prisma.creditAccount.count(), await a.app.database.prisma.tag.count(), await a.app.database.prisma.user.count()];
    expect((await recount(a.app.database.prisma, { progress: quiet })).rows).toBe(1 * 2 + tagsA + usersA + accountsA);
  });

  it("refuses the other tenant's tokens and cursors, though both share AUTH_SECRET: a user or admin of one is nobody in the other", async () => {
    // Users with the same id in both schemas: the first user made after the test above in each.
    const [adminA] = await Promise.all([signUp(a), signUp(b)]);
    const idA = (await a.app.database.prisma.user.findUniqueOrThrow({ where: { handle: adminA.handle } })).id;
    await a.app.database.prisma.user.update({ where: { id: idA }, data: { role: "ADMIN" } });
    const twinInB = await b.app.database.prisma.user.findUniqueOrThrow({ where: { id: idA } });
    const twinId = Buffer.from(`User:${twinInB.id}`).toString("base64");

    const me = await b.graphql(`{ viewer { handle } }`, { token: adminA.token });
    expect(me.body).toEqual({ data: { viewer: null } });
    const write = await b.graphql(`mutation { createPost(input: { title: "Cross tenant", body: "No." }) { id } }`, { token: adminA.token });
    expect(write.body.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    const mint = await b.graphql(`mutation($i: GrantCreditsInput!) { grantCredits(input: $i) { id } }`, {
      token: adminA.token,
      variables: { i: { toUserId: twinId, amount: 1_000 } },
    });
    expect(mint.body.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(await b.app.database.prisma.transfer.count()).toBe(0);
    expect(await b.app.database.prisma.post.count({ where: { title: "Cross tenant" } })).toBe(0);
    // In its own tenant the token still works.
    expect((await a.graphql(`{ viewer { handle } }`, { token: adminA.token })).body).toEqual({ data: { viewer: { handle: adminA.handle } } });

    const cursor = (await a.graphql(`{ posts(first: 1) { pageInfo { endCursor } } }`)).body.data!.posts.pageInfo.endCursor as string;
    const foreign = await b.graphql(`query($c: String) { posts(first: 1, after: $c) { edges { cursor } } }`, { variables: { c: cursor } });
    expect(foreign.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
  });
});
