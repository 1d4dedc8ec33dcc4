import { beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/db/seed.js";
import { testDatabaseKinds } from "../support/databases.js";
import { expectNoErrors } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * The number of SQL statements a query sends depends on its shape, never on
 * how many rows come back. Each shape runs with 3 parents and with 30; the
 * counts, recorded at the driver adapter, must match each other and the
 * expected count.
 *
 * Every list (root or nested) is one statement for the whole response: the
 * page query of src/read/, with the nodes' planned columns and relations
 * inside it, so the relation load strategy does not change those counts;
 * and the first nested list on a root list's or a lookup's rows comes in
 * their statement (src/read/prefetch.ts).
 * It still applies to single rows loaded through Prisma (node, post(slug)),
 * where `query` sends one statement per relation level.
 */
interface Shape {
  name: string;
  query: string;
  /** How many parents came back, to prove the run really had N of them. */
  parents(data: any): number;
  expected: { join: number; query: number };
}

const shapes: Shape[] = [
  {
    name: "posts → author, tags",
    query: `query Shape($n: Int!) { posts(first: $n) { edges { node { title author { handle } tags { name } } } } }`,
    parents: (data) => data.posts.edges.length,
    // The page, with author and tags as JSON subqueries of the same statement.
    expected: { join: 1, query: 1 },
  },
  {
    name: "users → posts(first: 3) → comments(first: 3) → author",
    query: `query Shape($n: Int!) { users(first: $n) { edges { node { handle
      posts(first: 3) { edges { node { title comments(first: 3) { edges { node { body author { handle } } } } } } }
    } } } }`,
    parents: (data) => data.users.edges.length,
    // users with each one's first page of posts in its row (src/read/prefetch.ts), and each of
    // those posts with its first page of comments (with their authors) in its element: one for
    // all three list levels.
    expected: { join: 1, query: 1 },
  },
  {
    name: "connections nested in lists (posts → tags → posts(first: 2) → author)",
    query: `query Shape($n: Int!) { posts(first: $n) { edges { node { tags { name
      posts(first: 2) { edges { node { title author { handle } } } pageInfo { hasNextPage } } } } } } }`,
    parents: (data) => data.posts.edges.length,
    // The posts with their tags, then one page query for every tag's posts.
    expected: { join: 2, query: 2 },
  },
  {
    name: "postCount and commentCount",
    query: `query Shape($n: Int!) { users(first: $n) { edges { node { postCount
      posts(first: 3) { edges { node { commentCount tags { postCount } } } } } } } }`,
    parents: (data) => data.users.edges.length,
    // users with their posts: every count is a stored column (a post's commentCount, a tag's postCount, a user's postCount from author_post_counts).
    expected: { join: 1, query: 1 },
  },
  {
    name: "two aliases of the same relation",
    query: `query Shape($n: Int!) { posts(first: $n) { edges { node {
      oldest: comments(first: 1) { edges { node { body } } }
      newest: comments(last: 2) { edges { node { body author { handle } } } } } } } }`,
    parents: (data) => data.posts.edges.length,
    // The posts with the first alias's pages joined to them, then one page query for the
    // second alias, for every post.
    expected: { join: 2, query: 2 },
  },
];

async function countStatements(t: TestApp, query: string, variables: Record<string, unknown>) {
  const response = await t.graphql(query, { variables });
  expectNoErrors(response);
  return { count: response.statements.length, statements: response.statements, data: response.body.data };
}

describe.each(testDatabaseKinds)("statement counts on %s", (kind) => {
  describe.each(["join", "query"] as const)("with relationLoadStrategy %s", (strategy) => {
    const app = useTestApp(kind, { relationLoadStrategy: strategy });

    beforeAll(async () => {
      await seedDatabase(app.current.app.database.prisma, { users: 40, postsPerUser: 4, commentsPerPost: 4 });
    });

    it.each(shapes)("$name: the same count for 3 and 30 parents", async (shape) => {
      const few = await countStatements(app.current, shape.query, { n: 3 });
      const many = await countStatements(app.current, shape.query, { n: 30 });
      expect(shape.parents(few.data)).toBe(3);
      expect(shape.parents(many.data)).toBe(30);
      expect(many.count, many.statements.join("\n---\n")).toBe(few.count);
      expect(few.count, few.statements.join("\n---\n")).toBe(shape.expected[strategy]);
    });

    it("users(after: cursor) → posts(first: 3) → comments(first: 3) → author: the same count for 3 and 30 parents", async () => {
      const first = await app.current.graphql(`{ users(first: 2) { pageInfo { endCursor } } }`);
      const after = first.body.data!.users.pageInfo.endCursor;
      const query = `query Shape($n: Int!, $after: String) { users(first: $n, after: $after) { edges { node { handle
        posts(first: 3) { edges { node { title comments(first: 3) { edges { node { body author { handle } } } } } } } } } } }`;
      const few = await countStatements(app.current, query, { n: 3, after });
      const many = await countStatements(app.current, query, { n: 30, after });
      expect(few.data!.users.edges).toHaveLength(3);
      expect(many.data!.users.edges).toHaveLength(30);
      expect(many.count).toBe(few.count);
      // The cursor carries the last user's sort key: no lookup, still the users with their posts and their comments.
      expect(few.count, few.statements.join("\n---\n")).toBe(1);
    });

    it("posts(after: cursor) → author, tags: the same count for 3 and 30 parents", async () => {
      const first = await app.current.graphql(`{ posts(first: 2) { pageInfo { endCursor } } }`);
      const query = `query Shape($n: Int!, $after: String) { posts(first: $n, after: $after) { edges { node { title author { handle } tags { name } } } } }`;
      const variables = { after: first.body.data!.posts.pageInfo.endCursor };
      const few = await countStatements(app.current, query, { n: 3, ...variables });
      const many = await countStatements(app.current, query, { n: 30, ...variables });
      expect(few.data!.posts.edges).toHaveLength(3);
      expect(many.data!.posts.edges).toHaveLength(30);
      expect(many.count).toBe(few.count);
      // The cursor carries the sort keys of its post, so the page is one keyset query.
      expect(few.count, few.statements.join("\n---\n")).toBe(1);
    });

    it("node(id) / nodes(ids) over mixed types: the same count for 3 and 30 of each", async () => {
      const ids = await app.current.graphql(`{ posts(first: 30) { edges { node { id author { id } comments(first: 1) { edges { node { id } } } } } } }`);
      expectNoErrors(ids);
      const edges = ids.body.data!.posts.edges as any[];
      const postIds = edges.map((edge) => edge.node.id);
      const userIds = [...new Set(edges.map((edge) => edge.node.author.id))];
      const commentIds = edges.map((edge) => edge.node.comments.edges[0].node.id);
      const query = `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id __typename
        ... on Post { title author { handle } }
        ... on User { handle }
        ... on Comment { body post { slug } } } }`;
      const pick = (n: number) => [...postIds.slice(0, n), ...userIds.slice(0, Math.min(n, userIds.length)), ...commentIds.slice(0, n)];
      const few = await countStatements(app.current, query, { ids: pick(3) });
      const many = await countStatements(app.current, query, { ids: pick(30) });
      expect(few.data!.nodes).toHaveLength(pick(3).length);
      expect(many.data!.nodes).toHaveLength(pick(30).length);
      expect(many.data!.nodes.every((node: unknown) => node !== null)).toBe(true);
      expect(many.count, many.statements.join("\n---\n")).toBe(few.count);
      // One statement per type, plus one visibility check for the comments' posts.
      expect(few.count, few.statements.join("\n---\n")).toBe({ join: 4, query: 6 }[strategy]);

      const single = await countStatements(app.current, `query One($id: ID!) { node(id: $id) { id ... on Post { title author { handle } } } }`, { id: postIds[0] });
      expect(single.data!.node.id).toBe(postIds[0]);
      expect(single.count).toBe({ join: 1, query: 2 }[strategy]);
    });
  });
});
