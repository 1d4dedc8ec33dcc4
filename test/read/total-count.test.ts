import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { rowsReadAsRun } from "../support/plans.js";
import { useTestApp } from "../support/test-app.js";

/** A nested list's count statement (countStatement in src/read/page-query.ts), counted or stored. */
const COUNT = /AS "count"/;

describe.each(testDatabaseKinds)("totalCount on %s", (kind) => {
  const app = useTestApp(kind);

  it("counts each nested list with its visibility rule and filters, in one statement per list, and is null at the root", async () => {
    const t = app.current;
    const [a, b, reader] = [await signUp(t), await signUp(t), await signUp(t)];
    const tag = unique("count");
    const posts = [await createPost(t, a, { tags: [tag] }), await createPost(t, a, { tags: [tag] }), await createPost(t, a, { publish: false, tags: [tag] }), await createPost(t, b, { tags: [tag] })];
    await addComment(t, reader, posts[0]!.id);
    await addComment(t, reader, posts[0]!.id);
    await addComment(t, b, posts[1]!.id);

    const query = `query($a: String!, $b: String!, $tag: String!) {
      a: user(handle: $a) { posts(first: 1) { totalCount edges { node { title comments(first: 1) { totalCount } } } } drafts: posts(first: 1, status: DRAFT) { totalCount } }
      b: user(handle: $b) { posts(first: 1) { totalCount } comments(first: 1) { totalCount } }
      tag(name: $tag) { posts(first: 1) { totalCount } }
      posts(first: 1) { totalCount }
    }`;
    const variables = { a: a.handle, b: b.handle, tag };
    const asReader = await t.graphql(query, { token: reader.token, variables });
    expectNoErrors(asReader);
    expect(asReader.body.data).toMatchObject({
      a: { posts: { totalCount: 2, edges: [{ node: { comments: { totalCount: 1 } } }] }, drafts: { totalCount: 0 } },
      b: { posts: { totalCount: 1 }, comments: { totalCount: 1 } },
      tag: { posts: { totalCount: 3 } },
      posts: { totalCount: null },
    });
    // The author sees their draft counted.
    const asAuthor = await t.graphql(query, { token: a.token, variables });
    expect(asAuthor.body.data).toMatchObject({ a: { posts: { totalCount: 3 }, drafts: { totalCount: 1 } } });

    // Not N+1: the comments' counts under several posts are one statement.
    const many = await t.graphql(`query($a: String!) { user(handle: $a) { posts(first: 10) { edges { node { comments(first: 1) { totalCount } } } } } }`, { variables: { a: a.handle } });
    expectNoErrors(many);
    expect(many.body.data!.user.posts.edges.map((edge: { node: { comments: { totalCount: number } } }) => edge.node.comments.totalCount)).toEqual([1, 2]);
    expect(many.statements.filter((sql) => COUNT.test(sql))).toHaveLength(1);
    const without = await t.graphql(`query($a: String!) { user(handle: $a) { posts(first: 10) { edges { node { comments(first: 1) { edges { cursor } } } } } } }`, { variables: { a: a.handle } });
    expect(without.statements.filter((sql) => COUNT.test(sql))).toHaveLength(0);
  });

  it("answers a post's comment count from the count its triggers keep: the same rows read under 3 comments and 3,000", async () => {
    const t = app.current;
    const [writer, reader] = [await signUp(t), await signUp(t)];
    const [few, many] = [await createPost(t, writer), await createPost(t, writer)];
    const prisma = t.app.database.prisma;
    const postId = async (slug: string) => (await prisma.post.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
    const userId = (await prisma.user.findUniqueOrThrow({ where: { handle: reader.handle }, select: { id: true } })).id;
    for (const [post, size] of [[few, 3], [many, 3_000]] as const) {
      await prisma.$executeRaw`INSERT INTO comments (post_id, author_id, body) SELECT ${await postId(post.slug)}, ${userId}, 'Comment ' || g FROM generate_series(1, ${size}::int) AS g`;
    }
    const rowsRead = async (slug: string) => {
      const response = await t.graphql(`query($s: String!) { post(slug: $s) { comments(first: 1) { totalCount } } }`, { variables: { s: slug } });
      expectNoErrors(response);
      const counts = response.log.filter((statement) => COUNT.test(statement.sql));
      expect(counts).toHaveLength(1);
      return { totalCount: response.body.data!.post.comments.totalCount, rows: await rowsReadAsRun(t, response, counts[0]!) };
    };
    const [small, big] = [await rowsRead(few.slug), await rowsRead(many.slug)];
    expect([small.totalCount, big.totalCount]).toEqual([3, 3_000]);
    // The parent key, and the post's row by its primary key: never the post's comments.
    expect(big.rows).toBe(small.rows);
    expect(big.rows).toBeLessThanOrEqual(2);
  });
});
