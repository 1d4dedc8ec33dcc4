import { beforeAll, describe, expect, it } from "vitest";
import type { LoggedStatement } from "../../src/db/sql-log.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectNoErrors } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * A page costs the rows on it, never the rows behind it. Every nested
 * connection is asked for the same page under a parent with 3 children and
 * under one with 3,000: the statements must be the same in number, return
 * the same number of rows (counted at the driver adapter), and read the same
 * small number of rows (EXPLAIN ANALYZE of the very statements that ran).
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
    query: (page: string) => `query($f: String!) { user(handle: $f) { posts(${page}) { edges { node { title author { handle } } } pageInfo { hasNextPage hasPreviousPage } } } }`,
    variables: (family: Family) => ({ f: family.handle }),
    edges: (data: any) => data.user.posts.edges,
  },
  {
    name: "User.comments",
    query: (page: string) => `query($f: String!) { user(handle: $f) { comments(${page}) { edges { node { body post { title } } } } } }`,
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
    name: "Tag.posts",
    query: (page: string) => `query($f: String!) { tag(name: $f) { posts(${page}) { edges { node { title tags { name } } } } } }`,
    variables: (family: Family) => ({ f: family.tag }),
    edges: (data: any) => data.tag.posts.edges,
  },
];

/** Rows the plan's scans read: rows they returned plus rows their filters dropped, over every loop. */
async function rowsRead(t: TestApp, statement: LoggedStatement): Promise<number> {
  const [explained] = await t.app.database.prisma.$queryRawUnsafe<{ "QUERY PLAN": any }[]>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`,
    ...statement.args,
  );
  const plan = explained!["QUERY PLAN"];
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

describe.each(testDatabaseKinds)("a page costs its rows, not the rows behind it, on %s", (kind) => {
  const app = useTestApp(kind);
  let small: Family;
  let big: Family;

  beforeAll(async () => {
    small = await createFamily(app.current, "small_family", SMALL);
    big = await createFamily(app.current, "big_family", BIG);
    await app.current.app.database.prisma.$executeRawUnsafe("ANALYZE");
  }, 120_000);

  describe.each(connections)("$name", (connection) => {
    it.each(["first: 2", "last: 2"])("reads the same rows for %s under 3 children and under 3,000", async (page) => {
      const run = async (family: Family) => {
        const response = await app.current.graphql(connection.query(page), { variables: connection.variables(family) });
        expectNoErrors(response);
        expect(connection.edges(response.body.data)).toHaveLength(2);
        return response.log;
      };
      const [few, many] = [await run(small), await run(big)];
      expect(many.length, many.map((s) => s.sql).join("\n---\n")).toBe(few.length);
      // The parent (1 row), then the page: 2 rows and the one that says whether more follow.
      expect(few.map((s) => s.rows)).toEqual([1, 3]);
      expect(many.map((s) => s.rows)).toEqual(few.map((s) => s.rows));
      // The page statement's reads; the parent's own lookup is by a unique key (and on a two-row
      // table PostgreSQL scans it rather than use the index, reading one row more for one of them).
      const read = async (log: LoggedStatement[]) => Promise.all(log.slice(1).map((statement) => rowsRead(app.current, statement)));
      const [readFew, readMany] = [await read(few), await read(many)];
      expect(readMany, `rows read under ${SMALL} children: ${readFew}, under ${BIG}: ${readMany}`).toEqual(readFew);
      // And few in absolute terms: the page, its relations' lookups, never a scan of the ${BIG} rows.
      for (const rows of readMany) expect(rows).toBeLessThan(50);
    });
  });
});
