import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { rowsReadAsRun } from "../support/plans.js";
import { useTestApp } from "../support/test-app.js";

/**
 * users(search:) matches any part of a handle or name. Such a pattern can
 * use no b-tree, and a page in id order found by walking the primary key
 * reads every account when the pattern matches none: 100,000 rows here, and
 * 500,000 rows in 340 ms on a table of that size, for one anonymous request.
 * The trigram indexes (migration 20261207080000_users_search_trigrams) find
 * a rare pattern's few matches, the walk serves a common one, and PostgreSQL
 * picks between them for each search because the statement runs unnamed
 * (plannedPerExecution): both read about a page of rows.
 */
const ACCOUNTS = 100_000;

describe.each(testDatabaseKinds)("users(search:) on %s", (kind) => {
  // One pooled connection, so the statements it prepared can be listed.
  const app = useTestApp(kind, { env: { DB_POOL_SIZE: "1" } });
  let newest: TestUser;
  let marker: string;

  beforeAll(async () => {
    const db = app.current.app.database.prisma;
    await db.$executeRawUnsafe(
      `INSERT INTO "users" ("email", "handle", "name", "password_hash", "updated_at")
       SELECT 'crowd' || g || '@example.com', 'crowd_' || g, 'Crowd Member ' || g, 'x', now() FROM generate_series(1, ${ACCOUNTS}) g`,
    );
    // The match a walk in id order reaches last.
    marker = unique("zq");
    newest = await signUp(app.current, { name: `Rare ${marker}` });
    await db.$executeRawUnsafe(`ANALYZE "users"`);
  }, 120_000);

  const search = async (pattern: string) => {
    const response = await app.current.graphql(`query($s: String) { users(first: 10, search: $s) { edges { node { handle } } pageInfo { hasNextPage } } }`, {
      variables: { s: pattern },
    });
    expectNoErrors(response);
    const page = response.log.find((statement) => statement.sql.includes("ILIKE"));
    expect(page).toBeDefined();
    return { users: response.body.data!.users, page: page!, read: () => rowsReadAsRun(app.current, response, page!), statements: response.statements };
  };

  it("reads about a page of rows for a pattern that matches one account of 100,000", async () => {
    const { users, read } = await search(marker.toUpperCase());
    expect(users).toEqual({ edges: [{ node: { handle: newest.handle } }], pageInfo: { hasNextPage: false } });
    expect(await read()).toBeLessThanOrEqual(20);
  });

  it("reads about a page of rows for a pattern that matches every account, and a pattern that matches none", async () => {
    const common = await search("crowd");
    expect(common.users.edges).toHaveLength(10);
    expect(common.users.pageInfo.hasNextPage).toBe(true);
    expect(await common.read()).toBeLessThanOrEqual(40);
    const none = await search(unique("nobody"));
    expect(none.users.edges).toEqual([]);
    expect(await none.read()).toBeLessThanOrEqual(20);
  });

  it.runIf(kind === "postgres")("sends the search's statement unnamed, planned with its pattern, and hands the connection back forcing generic plans", async () => {
    const { page, statements } = await search(marker);
    const at = statements.indexOf(page.sql);
    expect(statements.slice(at - 1, at + 2)).toEqual(["SET plan_cache_mode = auto", page.sql, "RESET plan_cache_mode"]);
    const db = app.current.app.database.prisma;
    const [prepared] = await db.$queryRawUnsafe<{ count: number }[]>(`SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement = $1`, page.sql);
    expect(prepared!.count).toBe(0);
    // The one pooled connection: back to its own setting, and a list without a search is prepared on it.
    const [mode] = await db.$queryRawUnsafe<{ plan_cache_mode: string }[]>(`SHOW plan_cache_mode`);
    expect(mode!.plan_cache_mode).toBe("force_generic_plan");
    const plain = await app.current.graphql(`{ users(first: 2) { edges { node { handle } } } }`);
    expect(plain.statements.filter((sql) => sql.includes("plan_cache_mode"))).toEqual([]);
    const [kept] = await db.$queryRawUnsafe<{ count: number }[]>(`SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement = $1`, plain.log.at(-1)!.sql);
    expect(kept!.count).toBe(1);
  });
});
