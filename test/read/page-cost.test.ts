import { beforeAll, describe, expect, it } from "vitest";
import type { LoggedStatement } from "../../src/db/sql-log.js";
import { MAX_PAGE_SIZE } from "../../src/read/window.js";
import { testDatabaseKinds, type TestDatabaseKind } from "../support/databases.js";
import { expectNoErrors } from "../support/fixtures.js";
import { genericPlan, limitEstimateGeneric } from "../support/plans.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * A page costs the rows on it, never the rows behind it. Every nested
 * connection is asked for the same page under a parent with 3 children and
 * under one with 3,000: the statements must be the same in number, return
 * the same number of rows (counted at the driver adapter), and read the same
 * small number of rows (EXPLAIN ANALYZE of the very statements that ran),
 * under the plan PostgreSQL chose for them and under the generic plan it
 * may switch a prepared statement to after five executions (Inkwell names
 * its statements, so PostgreSQL keeps them prepared per connection).
 */
const SMALL = 3;
const BIG = 3_000;

interface Family {
  handle: string;
  slug: string;
  tag: string;
}

/** A writer with `size` published posts, each tagged `tag`; the first post has `size` comments by the writer. */
async function createFamily(t: TestApp, name: string, size: number): Promise<Family> {
  const prisma = t.app.database.prisma;
  // Slugs are lower-case words joined by hyphens (posts_slug_format).
  const slugBase = name.replace(/_/g, "-");
  const [user] = await prisma.$queryRaw<{ id: number }[]>`
    INSERT INTO users (email, handle, name, password_hash, updated_at)
    VALUES (${`${name}@example.com`}, ${name}, ${name}, 'not a hash', now()) RETURNING id`;
  const [tag] = await prisma.$queryRaw<{ id: number }[]>`INSERT INTO tags (name) VALUES (${name}) RETURNING id`;
  await prisma.$executeRaw`
    INSERT INTO posts (author_id, title, slug, body, status, published_at, created_at, updated_at)
    SELECT ${user!.id}, 'Post ' || g, ${slugBase} || '-' || g, 'Body ' || g, 'PUBLISHED',
           timestamp '2026-01-01' + g * interval '1 minute', timestamp '2026-01-01' + g * interval '1 minute', now()
    FROM generate_series(1, ${size}::int) AS g`;
  await prisma.$executeRaw`INSERT INTO post_tags (post_id, tag_id) SELECT id, ${tag!.id} FROM posts WHERE author_id = ${user!.id}`;
  await prisma.$executeRaw`
    INSERT INTO comments (post_id, author_id, body)
    SELECT (SELECT id FROM posts WHERE slug = ${`${slugBase}-1`}), ${user!.id}, 'Comment ' || g FROM generate_series(1, ${size}::int) AS g`;
  await prisma.$executeRaw`UPDATE posts SET comment_count = ${size}::int WHERE slug = ${`${slugBase}-1`}`;
  return { handle: name, slug: `${slugBase}-1`, tag: name };
}

const connections = [
  {
    name: "User.posts",
    query: (page: string) => `query($f: String!) { user(handle: $f) { posts(${page}) { edges { cursor node { title author { handle } } } pageInfo { hasNextPage hasPreviousPage } } } }`,
    variables: (family: Family) => ({ f: family.handle }),
    edges: (data: any) => data.user.posts.edges,
  },
  {
    name: "User.comments",
    query: (page: string) => `query($f: String!) { user(handle: $f) { comments(${page}) { edges { cursor node { body post { title } } } } } }`,
    variables: (family: Family) => ({ f: family.handle }),
    edges: (data: any) => data.user.comments.edges,
  },
  {
    name: "Post.comments",
    query: (page: string) => `query($f: String!) { post(slug: $f) { comments(${page}) { edges { cursor node { body author { handle } } } } } }`,
    variables: (family: Family) => ({ f: family.slug }),
    edges: (data: any) => data.post.comments.edges,
  },
  {
    // A root list's row with its first nested page read ahead in it (src/read/prefetch.ts): the
    // writer's oldest post, whose comments are the family's, and the one more post that says more follow.
    name: "Query.posts → Post.comments",
    query: (page: string) => `query($f: String!) { posts(first: 1, orderBy: OLDEST, filter: { authorHandle: $f }) {
      edges { node { comments(${page}) { edges { cursor node { body author { handle } } } } } } } }`,
    variables: (family: Family) => ({ f: family.handle }),
    edges: (data: any) => data.posts.edges[0].node.comments.edges,
    rootRows: 1,
  },
  {
    // A page read ahead below a page read ahead: the writer's oldest post (the one more says more
    // precede), and its comments, the family's, in the user's row.
    name: "User.posts → Post.comments",
    query: (page: string) => `query($f: String!) { user(handle: $f) { posts(last: 1) { edges { node { comments(${page}) {
      edges { cursor node { body author { handle } } } } } } } } }`,
    variables: (family: Family) => ({ f: family.handle }),
    edges: (data: any) => data.user.posts.edges[0].node.comments.edges,
    rootRows: 2,
  },
  {
    name: "Tag.posts",
    query: (page: string) => `query($f: String!) { tag(name: $f) { posts(${page}) { edges { cursor node { title tags { name } } } } } }`,
    variables: (family: Family) => ({ f: family.tag }),
    edges: (data: any) => data.tag.posts.edges,
  },
];

/** Rows a plan's scans read: rows they returned plus rows their filters dropped, over every loop. */
function scannedRows(plan: any): number {
  let total = 0;
  const walk = (node: any) => {
    if (/Scan/.test(node["Node Type"]) && node["Node Type"] !== "Function Scan" && node["Node Type"] !== "Subquery Scan") {
      total += ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0)) * (node["Actual Loops"] ?? 1);
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan[0].Plan);
  return total;
}

/** Rows the statement reads under the plan PostgreSQL picks for these arguments. */
async function rowsRead(t: TestApp, statement: LoggedStatement): Promise<number> {
  const [explained] = await t.app.database.prisma.$queryRawUnsafe<{ "QUERY PLAN": any }[]>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`,
    ...statement.args,
  );
  return scannedRows(explained!["QUERY PLAN"]);
}

/** Rows the statement reads under its generic plan. */
async function rowsReadGeneric(t: TestApp, statement: LoggedStatement): Promise<number> {
  return scannedRows(await genericPlan(t.app.database.prisma, statement));
}

/**
 * PostgreSQL is checked with Inkwell's planner costs (DB_RANDOM_PAGE_COST)
 * and with the server's own: a page's plan must not hang on either.
 */
const setups = testDatabaseKinds.flatMap((kind): { kind: TestDatabaseKind; costs: string; env: Record<string, string> }[] =>
  kind === "postgres"
    ? [
        { kind, costs: "Inkwell's planner costs", env: {} },
        { kind, costs: "the server's planner costs", env: { DB_RANDOM_PAGE_COST: "server" } },
      ]
    : [{ kind, costs: "its planner costs", env: {} }],
);

describe.each(setups)("a page costs its rows, not the rows behind it, on $kind with $costs", ({ kind, env }) => {
  const app = useTestApp(kind, { env });
  let small: Family;
  let big: Family;

  beforeAll(async () => {
    small = await createFamily(app.current, "small_family", SMALL);
    big = await createFamily(app.current, "big_family", BIG);
    await app.current.app.database.prisma.$executeRawUnsafe("ANALYZE");
  }, 120_000);

  // Root lists have no parent to compare; posts holds the big family's 3,000 rows, and the first
  // page and a page after the 100th must each read their own rows only, under either plan.
  it.each([
    { list: "posts", order: "" },
    { list: "posts", order: "orderBy: MOST_COMMENTED, " },
  ])("the root $list list ($order) reads its first page and a page after a cursor, not the rows around them", async ({ list, order }) => {
    const page = async (window: string) => {
      // With the lookups each row makes (a to-one and a to-many), whose cost per row PostgreSQL
      // weighs against its estimate of the page's rows.
      const response = await app.current.graphql(`{ ${list}(${order}${window}) { edges { cursor node { id author { handle } tags { name } } } } }`);
      expectNoErrors(response);
      return response;
    };
    const edges = (await page("first: 100")).body.data![list].edges;
    for (const window of ["first: 2", `first: 2, after: ${JSON.stringify(edges.at(-1).cursor)}`]) {
      const response = await page(window);
      expect(response.body.data![list].edges).toHaveLength(2);
      for (const read of [rowsRead, rowsReadGeneric]) {
        for (const statement of response.log) expect(await read(app.current, statement), `${window}: ${read.name}\n${statement.sql}`).toBeLessThan(50);
      }
      for (const statement of response.log) expect(await limitEstimateGeneric(app.current.app.database.prisma, statement), statement.sql).toBeLessThanOrEqual(MAX_PAGE_SIZE + 1);
    }
  });

  describe.each(connections)("$name", (connection) => {
    // "after": the page after the first edge, so the statement carries its cursor condition (a
    // page of 1, since the small parent has 2 children left after it).
    it.each([
      { page: "first: 2", size: 2 },
      { page: "last: 2", size: 2 },
      { page: "first: 1, after", size: 1 },
    ])("reads the same rows for $page under 3 children and under 3,000", async ({ page, size }) => {
      const ask = async (family: Family, window: string) => {
        const response = await app.current.graphql(connection.query(window), { variables: connection.variables(family) });
        expectNoErrors(response);
        return response;
      };
      const run = async (family: Family) => {
        const window = page.endsWith("after")
          ? `${page}: ${JSON.stringify(connection.edges((await ask(family, "first: 1")).body.data)[0].cursor)}`
          : page;
        const response = await ask(family, window);
        expect(connection.edges(response.body.data)).toHaveLength(size);
        return response.log;
      };
      const [few, many] = [await run(small), await run(big)];
      expect(many.length, many.map((s) => s.sql).join("\n---\n")).toBe(few.length);
      // One statement: the parent's row (and, for a root list, the one more that says more follow)
      // with its first nested page read ahead in it (src/read/prefetch.ts): the page's rows and the one
      // that says whether more follow, nested in the parent's row and counted by the runner like rows.
      expect(few.map((s) => s.rows)).toEqual([1 + (connection.rootRows ?? 0) + size + 1]);
      expect(many.map((s) => s.rows)).toEqual(few.map((s) => s.rows));
      // Its reads: the parent by a unique key, then the page through the list's index.
      for (const read of [rowsRead, rowsReadGeneric]) {
        const reads = async (log: LoggedStatement[]) => Promise.all(log.map((statement) => read(app.current, statement)));
        const [readFew, readMany] = [await reads(few), await reads(many)];
        // At most one more under the big parent: the lookup's own, since on a two-row table
        // PostgreSQL scans rather than use the unique index, and the big family was inserted
        // second (the small one's plan may read a row more: on tiny tables it can prefer a scan).
        readMany.forEach((rows, i) => expect(rows, `${read.name}: under ${SMALL} children: ${readFew}, under ${BIG}: ${readMany}`).toBeLessThanOrEqual(readFew[i]! + 1));
        // And few in absolute terms: the parent, the page, its relations' lookups, never a scan of the ${BIG} rows.
        for (const rows of readMany) expect(rows, `${read.name}\n${many.at(-1)!.sql}`).toBeLessThan(50);
      }
      for (const statement of many) expect(await limitEstimateGeneric(app.current.app.database.prisma, statement), statement.sql).toBeLessThanOrEqual(MAX_PAGE_SIZE + 1);
    });
  });
});
