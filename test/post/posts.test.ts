import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, errorCodes, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

describe.each(testDatabaseKinds)("posts on %s", (kind) => {
  const app = useTestApp(kind);

  describe("visibility", () => {
    let author: TestUser;
    let reader: TestUser;
    let draft: { id: string; slug: string };
    let published: { id: string; slug: string };

    beforeAll(async () => {
      author = await signUp(app.current);
      reader = await signUp(app.current);
      draft = await createPost(app.current, author, { title: unique("Draft "), publish: false });
      published = await createPost(app.current, author, { title: unique("Public ") });
    });

    it("shows a draft to its author only, by slug, by node id and in lists", async () => {
      const query = `query($slug: String!, $id: ID!, $handle: String!) {
        post(slug: $slug) { slug status }
        node(id: $id) { id }
        user(handle: $handle) { postCount posts(first: 10) { edges { node { slug } } } }
      }`;
      const variables = { slug: draft.slug, id: draft.id, handle: author.handle };
      const asAuthor = await app.current.graphql(query, { token: author.token, variables });
      expectNoErrors(asAuthor);
      expect(asAuthor.body.data!.post).toEqual({ slug: draft.slug, status: "DRAFT" });
      expect(asAuthor.body.data!.node).toEqual({ id: draft.id });
      expect(asAuthor.body.data!.user.postCount).toBe(2);
      expect(asAuthor.body.data!.user.posts.edges.map((e: any) => e.node.slug)).toEqual([published.slug, draft.slug]);

      for (const token of [reader.token, undefined]) {
        const asOther = await app.current.graphql(query, { token, variables });
        expectNoErrors(asOther);
        expect(asOther.body.data!.post).toBeNull();
        expect(asOther.body.data!.node).toBeNull();
        expect(asOther.body.data!.user.postCount).toBe(1);
        expect(asOther.body.data!.user.posts.edges.map((e: any) => e.node.slug)).toEqual([published.slug]);
      }
    });

    it("asking someone else's posts for DRAFT status gives none", async () => {
      const response = await app.current.graphql(
        `query($h: String!) { user(handle: $h) { posts(first: 10, status: DRAFT) { edges { node { slug } } } } }`,
        { token: reader.token, variables: { h: author.handle } },
      );
      expect(response.body.data!.user.posts.edges).toEqual([]);
    });

    it("keeps drafts out of the public feed", async () => {
      const response = await app.current.graphql(`query($h: String!) { posts(first: 100, filter: { authorHandle: $h }) { edges { node { slug } } } }`, {
        token: author.token,
        variables: { h: author.handle },
      });
      expect(response.body.data!.posts.edges.map((e: any) => e.node.slug)).toEqual([published.slug]);
    });

    it("finds a writer by handle in any case, as it was signed up, in the lookup and the feed's filter", async () => {
      const shouted = ` ${author.handle.toUpperCase()} `;
      const response = await app.current.graphql(
        `query($h: String!) { user(handle: $h) { handle } posts(first: 100, filter: { authorHandle: $h }) { edges { node { slug } } } }`,
        { variables: { h: shouted } },
      );
      expectNoErrors(response);
      expect(response.body.data!.user).toEqual({ handle: author.handle });
      expect(response.body.data!.posts.edges.map((e: any) => e.node.slug)).toEqual([published.slug]);
    });

    it("returns the viewer's email only to the viewer", async () => {
      const query = `query($h: String!) { user(handle: $h) { email } }`;
      const own = await app.current.graphql(query, { token: author.token, variables: { h: author.handle } });
      const other = await app.current.graphql(query, { token: reader.token, variables: { h: author.handle } });
      expect(own.body.data!.user.email).toBe(author.email);
      expect(other.body.data!.user.email).toBeNull();
    });
  });

  describe("writing", () => {
    it("derives slugs from titles, with a random suffix that says nothing about other posts", async () => {
      const [a, b] = [await signUp(app.current), await signUp(app.current)];
      const title = `Héllo, Wörld! ${unique("")}`;
      const base = `hello-world-${title.split(" ").at(-1)}`;
      const alone = await createPost(app.current, a, { title: `${title} alone` });
      expect(alone.slug).toMatch(new RegExp(`^${base}-alone-[0-9a-z]{8}$`));
      // A hidden draft with the same title changes nothing in the shape of the next slug.
      await createPost(app.current, a, { title, publish: false });
      const after = await createPost(app.current, b, { title });
      expect(after.slug).toMatch(new RegExp(`^${base}-[0-9a-z]{8}$`));
    });

    it("updates title, body and tags, and keeps a published post's slug", async () => {
      const author = await signUp(app.current);
      const post = await createPost(app.current, author, { title: unique("Before "), tags: ["old"] });
      const response = await app.current.graphql(
        `mutation($input: UpdatePostInput!) { updatePost(input: $input) { slug title body tags { name } } }`,
        { token: author.token, variables: { input: { id: post.id, title: "After", body: "New body", tags: ["New", "second"] } } },
      );
      expectNoErrors(response);
      expect(response.body.data!.updatePost).toEqual({ slug: post.slug, title: "After", body: "New body", tags: [{ name: "new" }, { name: "second" }] });
    });

    it("publishes once: publishedAt is set and stays on a repeated publish", async () => {
      const author = await signUp(app.current);
      const post = await createPost(app.current, author, { publish: false });
      const publish = `mutation($id: ID!) { publishPost(id: $id) { status publishedAt } }`;
      const first = await app.current.graphql(publish, { token: author.token, variables: { id: post.id } });
      const again = await app.current.graphql(publish, { token: author.token, variables: { id: post.id } });
      expect(first.body.data!.publishPost.status).toBe("PUBLISHED");
      expect(again.body.data!.publishPost.publishedAt).toBe(first.body.data!.publishPost.publishedAt);
    });

    it("deletes a post with its comments, for its author only", async () => {
      const [author, other] = [await signUp(app.current), await signUp(app.current)];
      const post = await createPost(app.current, author);
      await addComment(app.current, other, post.id);
      const remove = `mutation($id: ID!) { deletePost(id: $id) }`;
      const denied = await app.current.graphql(remove, { token: other.token, variables: { id: post.id } });
      expect(errorCodes(denied)).toEqual(["FORBIDDEN"]);
      const done = await app.current.graphql(remove, { token: author.token, variables: { id: post.id } });
      expect(done.body).toEqual({ data: { deletePost: post.id } });
      expect(await app.current.app.database.prisma.post.count({ where: { slug: post.slug } })).toBe(0);
      const gone = await app.current.graphql(remove, { token: author.token, variables: { id: post.id } });
      expect(errorCodes(gone)).toEqual(["NOT_FOUND"]);
    });

    it("lets an admin edit anyone's post", async () => {
      const [author, admin] = [await signUp(app.current), await signUp(app.current)];
      await app.current.app.database.prisma.user.update({ where: { handle: admin.handle }, data: { role: "ADMIN" } });
      const login = await app.current.graphql(`mutation($i: LogInInput!) { logIn(input: $i) { token } }`, {
        variables: { i: { email: admin.email, password: admin.password } },
      });
      const post = await createPost(app.current, author, { publish: false });
      const response = await app.current.graphql(`mutation($id: ID!) { publishPost(id: $id) { status } }`, {
        token: login.body.data!.logIn.token,
        variables: { id: post.id },
      });
      expect(response.body).toEqual({ data: { publishPost: { status: "PUBLISHED" } } });
    });

    it.each([
      [{ title: "   " }, "input.title"],
      [{ tags: ["no spaces allowed"] }, "input.tags"],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "input.tags"],
    ])("rejects %j with BAD_USER_INPUT naming the field", async (override, field) => {
      const author = await signUp(app.current);
      const response = await app.current.graphql(`mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`, {
        token: author.token,
        variables: { input: { title: "T", body: "B", ...override } },
      });
      expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field } }]);
    });
  });

  describe("the feed: filters, orders and paging", () => {
    let author: TestUser;
    let tag: string;
    const slugs: string[] = [];

    beforeAll(async () => {
      author = await signUp(app.current);
      tag = unique("t");
      const commenter = await signUp(app.current);
      for (let i = 0; i < 5; i += 1) {
        const post = await createPost(app.current, author, { title: `Feed ${i} ${unique("")}`, tags: [tag], body: i === 2 ? "Needle here" : "hay" });
        slugs.push(post.slug);
        for (let c = 0; c < i % 3; c += 1) await addComment(app.current, commenter, post.id);
      }
    });

    const feed = async (args: string, variables: Record<string, unknown> = {}) => {
      const response = await app.current.graphql(
        `query($tag: String) { posts(${args}, filter: { tag: $tag }) {
          edges { cursor node { slug commentCount } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
        { variables: { tag, ...variables } },
      );
      expectNoErrors(response);
      return response.body.data!.posts;
    };
    const slugsOf = (page: any) => page.edges.map((edge: any) => edge.node.slug);

    it("orders NEWEST, OLDEST and MOST_COMMENTED", async () => {
      expect(slugsOf(await feed("first: 10"))).toEqual([...slugs].reverse());
      expect(slugsOf(await feed("first: 10, orderBy: OLDEST"))).toEqual(slugs);
      const mostCommented = await feed("first: 10, orderBy: MOST_COMMENTED");
      // Post i has i % 3 comments; ties go newest first.
      expect(mostCommented.edges.map((edge: any) => edge.node.commentCount)).toEqual([2, 1, 1, 0, 0]);
      expect(slugsOf(mostCommented)).toEqual([slugs[2], slugs[4], slugs[1], slugs[3], slugs[0]]);
    });

    it("pages forward with first/after and backward with last/before, without gaps or overlaps", async () => {
      const page1 = await feed("first: 2");
      expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const forward: string[] = [...slugsOf(page1)];
      let cursor = page1.pageInfo.endCursor;
      let hasNext = page1.pageInfo.hasNextPage;
      while (hasNext) {
        const response = await app.current.graphql(
          `query($tag: String, $after: String) { posts(first: 2, after: $after, filter: { tag: $tag }) {
            edges { node { slug } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
          { variables: { tag, after: cursor } },
        );
        const page = response.body.data!.posts;
        expect(page.pageInfo.hasPreviousPage).toBe(true);
        forward.push(...slugsOf(page));
        cursor = page.pageInfo.endCursor;
        hasNext = page.pageInfo.hasNextPage;
      }
      expect(forward).toEqual([...slugs].reverse());

      const last = await feed("last: 2");
      expect(slugsOf(last)).toEqual([slugs[1], slugs[0]]);
      expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const before = await app.current.graphql(
        `query($tag: String, $before: String) { posts(last: 2, before: $before, filter: { tag: $tag }) { edges { node { slug } } pageInfo { hasPreviousPage hasNextPage } } }`,
        { variables: { tag, before: last.pageInfo.startCursor } },
      );
      expect(slugsOf(before.body.data!.posts)).toEqual([slugs[3], slugs[2]]);
      expect(before.body.data!.posts.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    });

    it.each(["NEWEST", "OLDEST", "MOST_COMMENTED"])("pages %s forward and back through ties without gaps or overlaps", async (orderBy) => {
      const all = slugsOf(await feed(`first: 10, orderBy: ${orderBy}`));
      const page = (args: string, variables: Record<string, unknown>) =>
        app.current.graphql(
          `query($tag: String, $cursor: String) { posts(${args}, orderBy: ${orderBy}, filter: { tag: $tag }) {
            edges { node { slug } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`,
          { variables: { tag, ...variables } },
        );
      const forward: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const response = await page("first: 2, after: $cursor", { cursor });
        expectNoErrors(response);
        forward.push(...slugsOf(response.body.data!.posts));
        if (!response.body.data!.posts.pageInfo.hasNextPage) break;
        cursor = response.body.data!.posts.pageInfo.endCursor;
      }
      expect(forward).toEqual(all);
      const lastTwo = await page("last: 2, before: $cursor", { cursor: null });
      const beforeThose = await page("last: 2, before: $cursor", { cursor: lastTwo.body.data!.posts.pageInfo.startCursor });
      expect([...slugsOf(beforeThose.body.data!.posts), ...slugsOf(lastTwo.body.data!.posts)]).toEqual(all.slice(-4));
    });

    it("serves exactly 100 and refuses 101", async () => {
      expect((await app.current.graphql(`{ posts(first: 100) { edges { cursor } } }`)).body.errors).toBeUndefined();
      const response = await app.current.graphql(`{ posts(first: 101) { edges { cursor } } }`);
      expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "first" } }]);
    });

    it("answers first: 0 with an empty page, and a malformed cursor with BAD_USER_INPUT", async () => {
      expect((await feed("first: 0")).edges).toEqual([]);
      const response = await app.current.graphql(`{ posts(first: 2, after: "not-a-cursor") { edges { cursor } } }`);
      expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    });

    it("filters by author, tag, search and publication window", async () => {
      const search = await app.current.graphql(`query($h: String) { posts(first: 10, filter: { authorHandle: $h, search: "NEEDLE" }) { edges { node { slug } } } }`, {
        variables: { h: author.handle },
      });
      expect(slugsOf(search.body.data!.posts)).toEqual([slugs[2]]);
      const future = await app.current.graphql(`query($tag: String) { posts(first: 10, filter: { tag: $tag, publishedAfter: "2999-01-01T00:00:00Z" }) { edges { cursor } } }`, {
        variables: { tag },
      });
      expect(future.body.data!.posts.edges).toEqual([]);
      const past = await app.current.graphql(`query($tag: String) { posts(first: 10, filter: { tag: $tag, publishedBefore: "2999-01-01T00:00:00Z" }) { edges { cursor } } }`, {
        variables: { tag },
      });
      expect(past.body.data!.posts.edges).toHaveLength(5);
    });
  });
});
