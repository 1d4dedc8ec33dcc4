import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * Every input is bounded and must be text PostgreSQL can store; a client
 * that breaks a rule gets BAD_USER_INPUT naming the field, before anything
 * runs or is written.
 */
describe.each(testDatabaseKinds)("input limits on %s", (kind) => {
  const app = useTestApp(kind);
  let author: TestUser;

  beforeAll(async () => {
    author = await signUp(app.current);
  });

  const createPostWith = (input: Record<string, unknown>) =>
    app.current.graphql(`mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`, {
      token: author.token,
      variables: { input: { title: "A title", body: "A body.", ...input } },
    });

  const expectRefused = (response: Awaited<ReturnType<typeof createPostWith>>, field: string) => {
    expect(response.status).toBeLessThan(500);
    expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field } }]);
  };

  it.each([
    ["a list of ids over 100", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, (_, i) => `id${i}`) }, "ids"],
    ["a search over 100 characters", `query($s: String) { posts(filter: { search: $s }) { edges { cursor } } }`, { s: "x".repeat(101) }, "filter.search"],
    ["a user search over 100 characters", `query($s: String) { users(search: $s) { edges { cursor } } }`, { s: "x".repeat(101) }, "search"],
    ["a slug over 200 characters", `query($s: String!) { post(slug: $s) { id } }`, { s: "x".repeat(201) }, "slug"],
    ["a cursor over 512 characters", `query($c: String) { posts(after: $c) { edges { cursor } } }`, { c: "x".repeat(513) }, "after"],
    ["an id over 100 characters", `query($id: ID!) { node(id: $id) { id } }`, { id: "x".repeat(101) }, "id"],
  ])("refuses %s", async (_case, query, variables, field) => {
    const response = await app.current.graphql(query, { variables });
    expect(response.statements).toEqual([]);
    expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field } }]);
  });

  it.each([
    ["a title over 200 characters", { title: "x".repeat(201) }, "input.title"],
    ["a body over 100,000 characters", { body: "x".repeat(100_001) }, "input.body"],
    ["more than 10 tags", { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "input.tags"],
    ["a tag over 32 characters", { tags: ["fine", "x".repeat(33)] }, "input.tags.1"],
    ["a NUL byte", { title: "Before\u0000after" }, "input.title"],
    ["a lone surrogate", { body: "Broken \ud800 text" }, "input.body"],
    ["a title of zero-width characters only", { title: "\u200b\u200c\u200d\ufeff" }, "input.title"],
    ["a title with a control character", { title: "Bell\u0007" }, "input.title"],
    ["a title on two lines", { title: "One\nTwo" }, "input.title"],
    ["a body of spaces and format characters only", { body: "  \u2060 \n\t" }, "input.body"],
  ])("refuses %s, and writes nothing", async (_case, input, field) => {
    const before = await app.current.app.database.prisma.auditEvent.count();
    expectRefused(await createPostWith(input), field);
    expect(await app.current.app.database.prisma.auditEvent.count()).toBe(before);
  });

  it("names a batch's item by its place, and writes none of the batch", async () => {
    const posts = [{ title: "Fine", body: "A body." }, { title: "Fine too", body: "A body.", slug: "x".repeat(201) }];
    const before = await app.current.app.database.prisma.post.count();
    const response = await app.current.graphql(`mutation($i: ImportPostsInput!) { importPosts(input: $i) { importedCount } }`, {
      token: author.token,
      variables: { i: { posts } },
    });
    expect(response.body.errors).toMatchObject([
      { message: '"input.posts.1.slug" is longer than 200 characters.', extensions: { code: "BAD_USER_INPUT", field: "input.posts.1.slug" } },
    ]);
    expect(await app.current.app.database.prisma.post.count()).toBe(before);
  });

  it("refuses a control character in a name and a NUL in a comment", async () => {
    const signUpResponse = await app.current.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
      variables: { i: { email: `${unique("c")}@example.com`, handle: unique("c"), password: "long enough password", name: "Tab\there" } },
    });
    expect(signUpResponse.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.name" } }]);
    const post = await createPost(app.current, author);
    const comment = await app.current.graphql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, {
      token: author.token,
      variables: { i: { postId: post.id, body: "nul\u0000" } },
    });
    expect(comment.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.body" } }]);
  });

  it("keeps emoji, accents and paragraphs, normalised to NFC", async () => {
    const response = await app.current.graphql(`mutation($input: CreatePostInput!) { createPost(input: $input) { title body } }`, {
      token: author.token,
      variables: { input: { title: "Cafe\u0301 👩‍💻", body: "First.\n\n\tSecond." } },
    });
    expectNoErrors(response);
    expect(response.body.data!.createPost).toEqual({ title: "Café 👩‍💻", body: "First.\n\n\tSecond." });
  });

  it("searches users for %, _ and \\ literally (posts use full-text search, where they are separators)", async () => {
    const marker = unique("lit").slice(0, 12);
    const underscored = await signUp(app.current, { handle: `${marker}_x1` });
    await signUp(app.current, { handle: `${marker}ax1` });
    const search = async (term: string) => {
      const response = await app.current.graphql(`query($s: String) { users(first: 10, search: $s) { edges { node { handle } } } }`, {
        variables: { s: term },
      });
      expectNoErrors(response);
      return response.body.data!.users.edges.map((edge: any) => edge.node.handle);
    };
    expect(await search(`${marker}_x`)).toEqual([underscored.handle]);
    expect(await search(`${marker}%x`)).toEqual([]);
    expect(await search(`${marker}\\`)).toEqual([]);
  });
});
