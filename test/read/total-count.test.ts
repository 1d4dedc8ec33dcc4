import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

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
    expect(many.statements.filter((sql) => /count\(\*\)/.test(sql))).toHaveLength(1);
    const without = await t.graphql(`query($a: String!) { user(handle: $a) { posts(first: 10) { edges { node { comments(first: 1) { edges { cursor } } } } } } }`, { variables: { a: a.handle } });
    expect(without.statements.filter((sql) => /count\(\*\)/.test(sql))).toHaveLength(0);
  });
});
