import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { plannedPerExecution, statementNames } from "../../src/db/statement-names.js";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

const query = (sql: string) => ({ sql, args: [], argTypes: [] });

describe("prepared statement names", () => {
  it("gives a text the same name every time and different texts different names", () => {
    const name = statementNames();
    expect(name(query("SELECT 1"))).toBe(name(query("SELECT 1")));
    expect(name(query("SELECT 1"))).not.toBe(name(query("SELECT 2")));
    expect(name(query("SELECT 1"))).toMatch(/^inkwell_[\w-]{27}$/);
  });

  it("names no statement that holds a condition planned per execution, wherever it stands", () => {
    const name = statementNames();
    const condition = plannedPerExecution(Prisma.sql`"handle" ILIKE ${"%x%"}`);
    const marked = Prisma.sql`SELECT * FROM (SELECT "id" FROM "users" WHERE ${condition}) AS "w" LIMIT 1`;
    expect(name(query(marked.sql))).toBeUndefined();
    expect(name(query(marked.sql))).toBeUndefined();
    expect(name(query(marked.sql.replace(/\/\*[^*]*\*\/ /, "")))).toMatch(/^inkwell_/);
  });

  it("names only the first distinct texts, so connections never prepare without bound", () => {
    const name = statementNames(2);
    const [a, b] = [name(query("SELECT 1")), name(query("SELECT 2"))];
    expect(name(query("SELECT 3"))).toBeUndefined();
    expect([name(query("SELECT 1")), name(query("SELECT 2"))]).toEqual([a, b]);
  });
});

/**
 * How PostgreSQL planned a tag's page of posts, asked for `times` times: the
 * page statement's plan counts on the one pooled connection, which prepared
 * it (pg_prepared_statements is per connection).
 */
async function planCounts(t: TestApp, times: number): Promise<{ generic: number; custom: number }> {
  const writer = await signUp(t);
  const tag = unique("plans");
  for (let i = 0; i < 3; i += 1) await createPost(t, writer, { tags: [tag] });
  let page: string | undefined;
  for (let i = 0; i < times; i += 1) {
    const response = await t.graphql(`query($name: String!) { tag(name: $name) { posts(first: 2) { edges { node { title } } } } }`, {
      variables: { name: tag },
    });
    expectNoErrors(response);
    expect(response.body.data!.tag.posts.edges).toHaveLength(2);
    page = response.statements.at(-1);
  }
  const [counts] = await t.app.database.prisma.$queryRaw<{ generic: bigint; custom: bigint }[]>`
    SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements WHERE statement = ${page}`;
  return { generic: Number(counts!.generic), custom: Number(counts!.custom) };
}

// PGlite prepares nothing across executions, so only PostgreSQL has plans to keep.
describe.runIf(testDatabaseKinds.includes("postgres"))("prepared statements' plans on PostgreSQL", () => {
  const generic = useTestApp("postgres", { env: { DB_POOL_SIZE: "1" } });
  const replanned = useTestApp("postgres", { env: { DB_POOL_SIZE: "1", DB_GENERIC_PLANS: "false" } });

  it("plans a page statement once per connection, not at every execution", async () => {
    expect(await planCounts(generic.current, 8)).toEqual({ generic: 8, custom: 0 });
  });

  it("opens its connections with Inkwell's planner cost of a random page read (DB_RANDOM_PAGE_COST)", async () => {
    const [setting] = await generic.current.app.database.prisma.$queryRaw<{ random_page_cost: string }[]>`SHOW random_page_cost`;
    expect(setting!.random_page_cost).toBe("1.1");
  });

  // The control: left to choose, PostgreSQL plans the first five executions anew and then
  // weighs the generic plan against them (on these small tables it may take it; on the
  // benchmark's deep data, where `LIMIT $n` makes it look dear, it never does).
  it("plans at least the first five executions anew with DB_GENERIC_PLANS=false", async () => {
    const counts = await planCounts(replanned.current, 8);
    expect(counts.custom).toBeGreaterThanOrEqual(5);
    expect(counts.generic + counts.custom).toBe(8);
  });
});
