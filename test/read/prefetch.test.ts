import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, errorCodes, expectNoErrors, signUp, unique, type TestPost, type TestUser } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * A lookup, and a root list, read the first page of the first nested list
 * the document selects on their rows in their own statement
 * (src/read/prefetch.ts): one statement for `post(slug:) { comments }`, and
 * for `posts { edges { node { comments } } }`, with the very answer the list
 * gives when it loads its page itself, and every refusal the list makes
 * (bad cursors, bad sizes) made exactly as before, with nothing of the rows
 * read ahead in the answer.
 */
const COMMENTS = `edges { cursor node { body author { handle } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;

describe.each(testDatabaseKinds)("a lookup's first nested page on %s", (kind) => {
  const app = useTestApp(kind);
  let writer: TestUser;
  let reader: TestUser;
  let post: TestPost;
  let quiet: TestPost;
  let other: TestPost;

  beforeAll(async () => {
    [writer, reader] = [await signUp(app.current), await signUp(app.current)];
    post = await createPost(app.current, writer, { title: unique("Busy ") });
    quiet = await createPost(app.current, writer, { title: unique("Quiet ") });
    other = await createPost(app.current, writer, { title: unique("Other ") });
    for (let i = 0; i < 5; i += 1) await addComment(app.current, reader, post.id, `comment ${i}`);
    await addComment(app.current, reader, other.id, "elsewhere");
  });

  const ask = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
    app.current.graphql(query, { variables, ...(token ? { token } : {}) });

  it("reads the post and its page in one statement, and answers as the page loaded on its own", async () => {
    const ahead = await ask(`query($s: String!) { post(slug: $s) { title comments(first: 2) { ${COMMENTS} } } }`, { s: post.slug });
    expectNoErrors(ahead);
    // The post with its page (2 rows and the one that says more follow) in its row, then the
    // total count, which is read only when asked for.
    expect(ahead.log.map((statement) => statement.rows)).toEqual([4, 1]);
    // The same page loaded by its own statement: only the first list the document selects is read ahead.
    const alone = await ask(
      `query($s: String!) { post(slug: $s) { title before: comments(first: 0) { pageInfo { hasNextPage } } comments(first: 2) { ${COMMENTS} } } }`,
      { s: post.slug },
    );
    expectNoErrors(alone);
    expect(alone.log.length).toBeGreaterThan(1);
    const { before, ...loaded } = alone.body.data!.post;
    expect(before).toEqual({ pageInfo: { hasNextPage: true } });
    expect(ahead.body.data!.post).toEqual(loaded);
    expect(ahead.body.data!.post.comments.edges.map((edge: any) => edge.node.body)).toEqual(["comment 0", "comment 1"]);
    expect(ahead.body.data!.post.comments.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(ahead.body.data!.post.comments.totalCount).toBe(5);
  });

  it("pages on from a cursor, backward too, in one statement each", async () => {
    const first = await ask(`query($s: String!) { post(slug: $s) { comments(first: 2) { pageInfo { endCursor } } } }`, { s: post.slug });
    const after = await ask(`query($s: String!, $c: String) { post(slug: $s) { comments(first: 10, after: $c) { edges { node { body } } pageInfo { hasNextPage hasPreviousPage } } } }`, {
      s: post.slug,
      c: first.body.data!.post.comments.pageInfo.endCursor,
    });
    expectNoErrors(after);
    expect(after.log).toHaveLength(1);
    expect(after.body.data!.post.comments.edges.map((edge: any) => edge.node.body)).toEqual(["comment 2", "comment 3", "comment 4"]);
    expect(after.body.data!.post.comments.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    const last = await ask(`query($s: String!) { post(slug: $s) { comments(last: 2) { edges { node { body } } pageInfo { hasNextPage hasPreviousPage } } } }`, { s: post.slug });
    expectNoErrors(last);
    expect(last.log).toHaveLength(1);
    expect(last.body.data!.post.comments.edges.map((edge: any) => edge.node.body)).toEqual(["comment 3", "comment 4"]);
    expect(last.body.data!.post.comments.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it("answers an empty list with no edges, in the post's statement", async () => {
    const response = await ask(`query($s: String!) { post(slug: $s) { title comments(first: 5) { ${COMMENTS} } } }`, { s: quiet.slug });
    expectNoErrors(response);
    // One row: the post, with an empty page in it; then the count.
    expect(response.log.map((statement) => statement.rows)).toEqual([1, 1]);
    expect(response.body.data!.post.comments).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it("finds the list through fragments and variables, and skips one the document skips", async () => {
    const fragment = await ask(
      `query($s: String!, $n: Int) { post(slug: $s) { ...Talk } } fragment Talk on Post { comments(first: $n) { edges { node { body } } } }`,
      { s: post.slug, n: 1 },
    );
    expectNoErrors(fragment);
    expect(fragment.log).toHaveLength(1);
    expect(fragment.body.data!.post.comments.edges).toEqual([{ node: { body: "comment 0" } }]);
    const skipped = await ask(`query($s: String!, $on: Boolean!) { post(slug: $s) { title comments(first: 1) @include(if: $on) { edges { node { body } } } } }`, {
      s: post.slug,
      on: false,
    });
    expectNoErrors(skipped);
    expect(skipped.body.data!.post).not.toHaveProperty("comments");
    // Only the post: nothing read for a list the answer leaves out.
    expect(skipped.log).toHaveLength(1);
    expect(skipped.log[0]!.rows).toBe(1);
  });

  it("reads ahead the first of two lists only, and both answer right", async () => {
    const response = await ask(`query($s: String!) { post(slug: $s) { one: comments(first: 1) { edges { node { body } } } two: comments(last: 1) { edges { node { body } } } } }`, {
      s: post.slug,
    });
    expectNoErrors(response);
    expect(response.log).toHaveLength(2);
    expect(response.body.data!.post.one.edges).toEqual([{ node: { body: "comment 0" } }]);
    expect(response.body.data!.post.two.edges).toEqual([{ node: { body: "comment 4" } }]);
  });

  it("refuses what the list refuses, as before, and answers nothing it read ahead", async () => {
    const cursorOf = async (slug: string) =>
      (await ask(`query($s: String!) { post(slug: $s) { comments(first: 1) { pageInfo { endCursor } } } }`, { s: slug })).body.data!.post.comments.pageInfo
        .endCursor as string;
    const page = (cursor: string, size = 2) =>
      ask(`query($s: String!, $c: String, $n: Int) { post(slug: $s) { comments(first: $n, after: $c) { edges { node { body } } } } }`, {
        s: post.slug,
        c: cursor,
        n: size,
      });
    const [payload] = (await cursorOf(post.slug)).split(".");
    const cases = {
      "a cursor of another post": await cursorOf(other.slug),
      "a cursor with a made-up signature": `${payload}.AAAAAAAAAAAAAAAA`,
      "a made-up cursor of the wrong type": `${Buffer.from(JSON.stringify(["abc"])).toString("base64url")}.AAAAAAAAAAAAAAAA`,
      "junk": "%%% not a cursor %%%",
    };
    for (const [name, cursor] of Object.entries(cases)) {
      const response = await page(cursor);
      expect(response.body.errors, name).toMatchObject([{ path: ["post", "comments"], extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
      expect(JSON.stringify(response.body.data), name).not.toContain("comment ");
    }
    const tooMany = await page(await cursorOf(post.slug), 101);
    expect(errorCodes(tooMany)).toEqual(["BAD_USER_INPUT"]);
  });

  it("reads nothing of a post the viewer may not see, and answers it like one that does not exist", async () => {
    const draft = await createPost(app.current, writer, { title: unique("Draft "), publish: false });
    const query = `query($s: String!) { post(slug: $s) { title comments(first: 5) { edges { node { body } } } } }`;
    const hidden = await ask(query, { s: draft.slug }, reader.token);
    const missing = await ask(query, { s: unique("no-such-post") }, reader.token);
    expect(hidden.body).toEqual({ data: { post: null } });
    expect(missing.body).toEqual(hidden.body);
    // The viewer's account, then the lookup, which finds nothing and so reads no page.
    expect(hidden.log.map((statement) => statement.rows)).toEqual([1, 0]);
    const own = await ask(query, { s: draft.slug }, writer.token);
    expectNoErrors(own);
    expect(own.body.data!.post.comments.edges).toEqual([]);
  });

  it("answers a list ordered by time with the same timestamps and cursors as when it loads alone, and pages on from them", async () => {
    const author = await signUp(app.current);
    for (const title of ["First ", "Second ", "Third "]) await createPost(app.current, author, { title: unique(title) });
    const posts = `posts(first: 2, after: $after) { edges { cursor node { title publishedAt createdAt status commentCount } } pageInfo { hasNextPage endCursor } }`;
    const query = (lists: string) => `query($h: String!, $after: String) { user(handle: $h) { ${lists} } }`;
    const ahead = await ask(query(posts), { h: author.handle, after: null });
    expectNoErrors(ahead);
    expect(ahead.log).toHaveLength(1);
    const alone = await ask(query(`before: posts(first: 0) { pageInfo { hasNextPage } } ${posts}`), { h: author.handle, after: null });
    expectNoErrors(alone);
    expect(alone.log.length).toBeGreaterThan(1);
    const page = ahead.body.data!.user.posts;
    expect(page).toEqual(alone.body.data!.user.posts);
    expect(page.edges[0].node.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // A cursor read ahead carries the timestamp key as the list's own does: the next page follows on.
    const next = await ask(query(posts), { h: author.handle, after: page.pageInfo.endCursor });
    expectNoErrors(next);
    expect(next.body.data!.user.posts.edges).toHaveLength(1);
    expect(next.body.data!.user.posts.pageInfo.hasNextPage).toBe(false);
  });

  it("applies the list's own rule for the viewer: a writer's drafts for the writer alone", async () => {
    const author = await signUp(app.current);
    const published = await createPost(app.current, author, { title: unique("Out ") });
    const draft = await createPost(app.current, author, { title: unique("Draft "), publish: false });
    const query = `query($h: String!) { user(handle: $h) { posts(first: 10) { edges { node { slug } } } } }`;
    const slugs = (response: Awaited<ReturnType<typeof ask>>) => response.body.data!.user.posts.edges.map((edge: any) => edge.node.slug).sort();
    const anonymous = await ask(query, { h: author.handle });
    const self = await ask(query, { h: author.handle }, author.token);
    expect(anonymous.log).toHaveLength(1);
    expect(slugs(anonymous)).toEqual([published.slug]);
    expect(slugs(self)).toEqual([draft.slug, published.slug].sort());
  });
  it("reads the pages below a page read ahead in the same statement, for the rows each page answers only", async () => {
    const author = await signUp(app.current);
    const oldest = await createPost(app.current, author, { title: unique("Oldest ") });
    await createPost(app.current, author, { title: unique("Middle ") });
    const newest = await createPost(app.current, author, { title: unique("Newest ") });
    for (let i = 0; i < 3; i += 1) await addComment(app.current, reader, oldest.id, `oldest ${i}`);
    await addComment(app.current, reader, newest.id, "newest 0");
    const comments = `comments(first: 2, after: $c) { edges { cursor node { body author { handle } } } pageInfo { hasNextPage hasPreviousPage endCursor } }`;
    const query = (posts: string) => `query($h: String!, $c: String) { user(handle: $h) { handle ${posts} } }`;
    const newestTwo = `posts(first: 2) { edges { cursor node { title ${comments} } } pageInfo { hasNextPage } }`;
    const ahead = await ask(query(newestTwo), { h: author.handle, c: null });
    expectNoErrors(ahead);
    // The user, the two newest posts and the one more that says more follow, and the newest post's
    // one comment: the oldest post is not answered, so its three comments are not read.
    expect(ahead.log.map((statement) => statement.rows)).toEqual([5]);
    const posts = ahead.body.data!.user.posts;
    expect(posts.edges.map((edge: any) => edge.node.comments.edges.map((comment: any) => comment.node.body))).toEqual([["newest 0"], []]);
    expect(posts.pageInfo.hasNextPage).toBe(true);
    // The same answer, cursors included, as when each list loads by its own statement.
    const alone = await ask(query(`before: posts(first: 0) { pageInfo { hasNextPage } } ${newestTwo}`), { h: author.handle, c: null });
    expectNoErrors(alone);
    expect(alone.log).toHaveLength(3);
    expect(alone.body.data!.user.posts).toEqual(posts);

    // A page after a cursor, two levels down, in one statement too.
    const oldestOne = `posts(last: 1) { edges { node { title ${comments} } } }`;
    const firstPage = await ask(query(oldestOne), { h: author.handle, c: null });
    expectNoErrors(firstPage);
    expect(firstPage.log.map((statement) => statement.rows)).toEqual([1 + 2 + 3]);
    const oldestComments = firstPage.body.data!.user.posts.edges[0].node.comments;
    expect(oldestComments.edges.map((edge: any) => edge.node.body)).toEqual(["oldest 0", "oldest 1"]);
    const next = await ask(query(oldestOne), { h: author.handle, c: oldestComments.pageInfo.endCursor });
    expectNoErrors(next);
    expect(next.log).toHaveLength(1);
    expect(next.body.data!.user.posts.edges[0].node.comments).toMatchObject({
      edges: [{ node: { body: "oldest 2" } }],
      pageInfo: { hasNextPage: false, hasPreviousPage: true },
    });
    // A cursor of another list, two levels down, is refused as the list refuses it, with nothing of it answered.
    const foreign = (await ask(`query($s: String!) { post(slug: $s) { comments(first: 1) { pageInfo { endCursor } } } }`, { s: post.slug })).body.data!.post.comments.pageInfo
      .endCursor as string;
    const refused = await ask(query(oldestOne), { h: author.handle, c: foreign });
    expect(refused.body.errors).toMatchObject([{ path: ["user", "posts", "edges", 0, "node", "comments"], extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
    expect(JSON.stringify(refused.body.data)).not.toContain("comment ");
    expect(JSON.stringify(refused.body.data)).not.toContain("oldest ");
  });

  it("reads a root page, its rows' pages and theirs in one statement", async () => {
    const prefix = unique("deep").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 12);
    const authors = [await signUp(app.current, { handle: `${prefix}a` }), await signUp(app.current, { handle: `${prefix}b` })];
    for (const [i, author] of authors.entries()) {
      const written = await createPost(app.current, author, { title: unique(`By ${i} `) });
      for (let j = 0; j <= i; j += 1) await addComment(app.current, reader, written.id, `deep ${i}.${j}`);
    }
    const users = (extra: string) => `query($q: String!) { users(first: 5, search: $q) { edges { cursor node { handle ${extra}
      posts(first: 1) { edges { cursor node { title comments(last: 1) { edges { cursor node { body } } pageInfo { hasPreviousPage } } } } } } } } }`;
    const ahead = await ask(users(""), { q: prefix });
    expectNoErrors(ahead);
    // Two users, each with one post (no more follow) and that post's last comment (and, for the
    // second, the one before it that says more precede). On PostgreSQL a user search is planned
    // for its pattern, between settings that return no rows (src/db/statement-names.ts).
    const reads = ahead.log.filter((statement) => !statement.sql.includes("plan_cache_mode"));
    expect(reads.map((statement) => statement.rows)).toEqual([2 + 2 + 1 + 2]);
    const edges = ahead.body.data!.users.edges;
    expect(edges.map((edge: any) => [edge.node.handle, edge.node.posts.edges[0].node.comments.edges[0].node.body])).toEqual([
      [authors[0]!.handle, "deep 0.0"],
      [authors[1]!.handle, "deep 1.1"],
    ]);
    const alone = await ask(users("before: posts(first: 0) { pageInfo { hasNextPage } }"), { q: prefix });
    expectNoErrors(alone);
    expect(alone.log.length).toBeGreaterThan(1);
    expect(alone.body.data!.users.edges.map(({ cursor, node: { before: _before, ...node } }: any) => ({ cursor, node }))).toEqual(edges);
  });

  it("answers a row that two pages share from the one page read below it, in the same statement", async () => {
    const author = await signUp(app.current);
    const shared = await createPost(app.current, author, { title: unique("Shared "), tags: ["alpha", "beta"] });
    await addComment(app.current, reader, shared.id, "shared 0");
    const query = `{ tags(first: 10) { edges { node { name posts(first: 2) { edges { node { id comments(first: 1) { edges { node { body } } } } } } } } } }`;
    const response = await ask(query);
    expectNoErrors(response);
    // Every tag in this file is on this post: the two tags, the post under each, and its comment under each.
    expect(response.log.map((statement) => statement.rows)).toEqual([2 + 2 + 2]);
    expect(
      response.body.data!.tags.edges.map((edge: any) => [
        edge.node.name,
        edge.node.posts.edges.map((post: any) => [post.node.id, post.node.comments.edges.map((comment: any) => comment.node.body)]),
      ]),
    ).toEqual([
      ["alpha", [[shared.id, ["shared 0"]]]],
      ["beta", [[shared.id, ["shared 0"]]]],
    ]);
  });

  it("reads a root page with its rows' first nested pages in one statement, for the rows it answers only", async () => {
    const author = await signUp(app.current);
    const [oldest, middle, newest] = [
      await createPost(app.current, author, { title: unique("Oldest ") }),
      await createPost(app.current, author, { title: unique("Middle ") }),
      await createPost(app.current, author, { title: unique("Newest ") }),
    ];
    for (let i = 0; i < 3; i += 1) await addComment(app.current, reader, oldest.id, `old ${i}`);
    await addComment(app.current, reader, newest.id, "new 0");
    const page = (lists: string, after: string | null = null) =>
      ask(`query($h: String!, $after: String) { posts(first: 2, after: $after, filter: { authorHandle: $h }) {
        edges { cursor node { id ${lists} } } pageInfo { hasNextPage endCursor } } }`, { h: author.handle, after });
    const comments = `comments(first: 2) { edges { cursor node { body } } pageInfo { hasNextPage hasPreviousPage } }`;
    const first = await page(comments);
    expectNoErrors(first);
    // The newest post with its one comment in its row, the middle one with none, and the one more
    // row that says more follow, whose comments are not read.
    expect(first.log.map((statement) => statement.rows)).toEqual([4]);
    const posts = first.body.data!.posts;
    expect(posts.edges.map((edge: any) => edge.node.id)).toEqual([newest.id, middle.id]);
    expect(posts.edges.map((edge: any) => edge.node.comments.edges.map((comment: any) => comment.node.body))).toEqual([["new 0"], []]);
    expect(posts.pageInfo.hasNextPage).toBe(true);
    // The same answer, cursors included, as when the comments load by their own statement.
    const alone = await page(`before: comments(first: 0) { pageInfo { hasNextPage } } ${comments}`);
    expectNoErrors(alone);
    expect(alone.log).toHaveLength(2);
    const withoutBefore = alone.body.data!.posts.edges.map(({ cursor, node: { before: _before, ...node } }: any) => ({ cursor, node }));
    expect(withoutBefore).toEqual(posts.edges);
    expect(alone.body.data!.posts.pageInfo).toEqual(posts.pageInfo);
    // The root's cursor is its own, not its first row's comments': it pages on to the oldest post.
    const next = await page(comments, posts.pageInfo.endCursor);
    expectNoErrors(next);
    expect(next.log).toHaveLength(1);
    expect(next.body.data!.posts.edges).toMatchObject([{ node: { id: oldest.id, comments: { edges: [{ node: { body: "old 0" } }, { node: { body: "old 1" } }], pageInfo: { hasNextPage: true } } } }]);
    expect(next.body.data!.posts.pageInfo.hasNextPage).toBe(false);
  });
});
