import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, errorCodes, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * Nested connections page like root ones: forward with first/after,
 * backward with last/before, through ties in their sort keys, without gaps
 * or overlaps; and every cursor they did not issue is refused as
 * BAD_USER_INPUT naming the argument.
 */
interface Page {
  ids: string[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PAGE = `edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

describe.each(testDatabaseKinds)("nested paging on %s", (kind) => {
  const app = useTestApp(kind);
  let author: TestUser;
  let commenter: TestUser;
  let tag: string;
  let postSlug: string;

  beforeAll(async () => {
    [author, commenter] = [await signUp(app.current), await signUp(app.current)];
    tag = unique("tie");
    const posts = [];
    for (let i = 0; i < 7; i += 1) posts.push(await createPost(app.current, author, { tags: [tag] }));
    postSlug = posts[0]!.slug;
    for (let i = 0; i < 7; i += 1) await addComment(app.current, commenter, posts[0]!.id, `comment ${i}`);
    // Ties: five posts share one creation time and one publication time, so only the id orders them.
    const prisma = app.current.app.database.prisma;
    await prisma.post.updateMany({
      where: { slug: { in: posts.slice(1, 6).map((post) => post.slug) } },
      data: { createdAt: new Date("2026-03-01T12:00:00Z"), publishedAt: new Date("2026-03-01T12:00:00Z") },
    });
  });

  const lists = [
    {
      name: "User.posts",
      field: (args: string) => `user(handle: $key) { posts(${args}) { ${PAGE} } }`,
      key: () => author.handle,
      pick: (data: any) => data.user.posts,
    },
    {
      name: "User.comments",
      field: (args: string) => `user(handle: $key) { comments(${args}) { ${PAGE} } }`,
      key: () => commenter.handle,
      pick: (data: any) => data.user.comments,
    },
    {
      name: "Post.comments",
      field: (args: string) => `post(slug: $key) { comments(${args}) { ${PAGE} } }`,
      key: () => postSlug,
      pick: (data: any) => data.post.comments,
    },
    {
      name: "Tag.posts",
      field: (args: string) => `tag(name: $key) { posts(${args}) { ${PAGE} } }`,
      key: () => tag,
      pick: (data: any) => data.tag.posts,
    },
  ];

  describe.each(lists)("$name", (list) => {
    const page = async (args: string, cursor: string | null = null): Promise<Page> => {
      const cursorVariable = args.includes("$cursor") ? ", $cursor: String" : "";
      const response = await app.current.graphql(`query($key: String!${cursorVariable}) { ${list.field(args)} }`, {
        variables: { key: list.key(), ...(cursorVariable ? { cursor } : {}) },
      });
      expectNoErrors(response);
      const connection = list.pick(response.body.data);
      return { ids: connection.edges.map((edge: any) => edge.node.id), pageInfo: connection.pageInfo };
    };

    it("pages forward with first/after and back with last/before through ties, without gaps or overlaps", async () => {
      const all = (await page("first: 100")).ids;
      expect(all).toHaveLength(7);

      const forward: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; ; i += 1) {
        const next: Page = await page("first: 2, after: $cursor", cursor);
        expect(next.pageInfo.hasPreviousPage).toBe(i > 0);
        forward.push(...next.ids);
        if (!next.pageInfo.hasNextPage) break;
        cursor = next.pageInfo.endCursor;
      }
      expect(forward).toEqual(all);

      const backward: string[] = [];
      cursor = null;
      for (let i = 0; ; i += 1) {
        const previous: Page = await page("last: 2, before: $cursor", cursor);
        expect(previous.pageInfo.hasNextPage).toBe(i > 0);
        backward.unshift(...previous.ids);
        if (!previous.pageInfo.hasPreviousPage) break;
        cursor = previous.pageInfo.startCursor;
      }
      expect(backward).toEqual(all);
    });

    it("takes a range between two cursors", async () => {
      const all = await page("first: 100");
      const second = await page("first: 1, after: $cursor", (await page("first: 1")).pageInfo.endCursor);
      const sixth = await page("last: 1, before: $cursor", (await page("last: 1")).pageInfo.startCursor);
      const response = await app.current.graphql(
        `query($key: String!, $after: String, $before: String) { ${list.field("first: 100, after: $after, before: $before")} }`,
        { variables: { key: list.key(), after: second.pageInfo.endCursor, before: sixth.pageInfo.startCursor } },
      );
      expectNoErrors(response);
      expect(list.pick(response.body.data).edges.map((edge: any) => edge.node.id)).toEqual(all.ids.slice(2, 5));
    });

    it("answers first: 0 with no edges, and says whether any exist", async () => {
      const empty = await page("first: 0");
      expect(empty.ids).toEqual([]);
      expect(empty.pageInfo).toMatchObject({ hasNextPage: true, startCursor: null, endCursor: null });
    });
  });

  describe("cursors it did not issue", () => {
    const postsAfter = (cursor: string, handle = author.handle) =>
      app.current.graphql(`query($h: String!, $c: String) { user(handle: $h) { posts(first: 2, after: $c) { edges { node { id } } } } }`, {
        variables: { h: handle, c: cursor },
      });
    const validCursor = async () => {
      const response = await app.current.graphql(`query($h: String!) { user(handle: $h) { posts(first: 1) { pageInfo { endCursor } } } }`, {
        variables: { h: author.handle },
      });
      return response.body.data!.user.posts.pageInfo.endCursor as string;
    };

    it.each([
      ["malformed base64", () => "%%% not base64 %%%"],
      ["a Pothos-style prefixed cursor", () => Buffer.from("GPC:N:5").toString("base64")],
      ["a Relay global id", () => Buffer.from("Post:5").toString("base64")],
      ["an empty string", () => ""],
      ["a cursor with its signature cut off", async () => (await validCursor()).split(".")[0]!],
      ["a cursor whose values were edited", async () => {
        const [, mac] = (await validCursor()).split(".");
        return `${Buffer.from(JSON.stringify([0, 1])).toString("base64url")}.${mac}`;
      }],
      ["an oversized cursor", () => "a".repeat(100_000)],
    ])("refuses %s as BAD_USER_INPUT naming the argument", async (_case, make) => {
      const response = await postsAfter(await make());
      expect(response.status).toBe(200);
      expect(response.body.errors).toMatchObject([{ path: ["user", "posts"], extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
    });

    it.each([
      ["a non-numeric id", [Date.UTC(2026, 0, 1), "abc"]],
      ["an out-of-range id", [Date.UTC(2026, 0, 1), 2 ** 40]],
      ["an impossible time", [-1e16, 1]],
      ["too few keys", [1]],
    ])("refuses a signed cursor with %s, never as an internal error", async (_case, values) => {
      const scope = `User.posts|${await authorId()}|`;
      const response = await postsAfter(app.current.app.services.cursors.encode(scope, values as (string | number)[]));
      expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "after" } }]);
    });

    const authorId = async () =>
      (await app.current.app.database.prisma.user.findUniqueOrThrow({ where: { handle: author.handle }, select: { id: true } })).id;

    it("refuses a cursor from another list: another field, another parent, another order", async () => {
      const comments = await app.current.graphql(`query($s: String!) { post(slug: $s) { comments(first: 1) { pageInfo { endCursor } } } }`, {
        variables: { s: postSlug },
      });
      const commentCursor = comments.body.data!.post.comments.pageInfo.endCursor;
      const feed = await app.current.graphql(`{ posts(first: 1) { pageInfo { endCursor } } }`);
      const feedCursor = feed.body.data!.posts.pageInfo.endCursor;
      const otherAuthor = await validCursor();

      expect(errorCodes(await postsAfter(commentCursor))).toEqual(["BAD_USER_INPUT"]);
      expect(errorCodes(await postsAfter(feedCursor))).toEqual(["BAD_USER_INPUT"]);
      expect(errorCodes(await postsAfter(otherAuthor, commenter.handle))).toEqual(["BAD_USER_INPUT"]);
      const oldest = await app.current.graphql(`query($c: String) { posts(first: 1, orderBy: OLDEST, after: $c) { edges { cursor } } }`, {
        variables: { c: feedCursor },
      });
      expect(errorCodes(oldest)).toEqual(["BAD_USER_INPUT"]);
    });

    it("answers a cursor of a row the viewer cannot see exactly like one of a row that is gone", async () => {
      const writer = await signUp(app.current);
      const oldest = await createPost(app.current, writer, { title: unique("Oldest ") });
      const draft = await createPost(app.current, writer, { title: unique("Draft "), publish: false });
      const doomed = await createPost(app.current, writer, { title: unique("Doomed ") });
      await createPost(app.current, writer, { title: unique("Newest ") });
      const prisma = app.current.app.database.prisma;
      // Newest first: newest, doomed, draft, oldest; the writer sees all four and takes cursors.
      const times = [oldest, draft, doomed].map((_, i) => new Date(Date.UTC(2026, 5, 1, 0, i)));
      for (const [i, post] of [oldest, draft, doomed].entries()) {
        await prisma.post.update({ where: { slug: post.slug }, data: { createdAt: times[i] } });
      }
      const own = await app.current.graphql(`query($h: String!) { user(handle: $h) { posts(first: 10) { edges { cursor node { slug } } } } }`, {
        token: writer.token,
        variables: { h: writer.handle },
      });
      const cursorOf = (slug: string) => own.body.data!.user.posts.edges.find((edge: any) => edge.node.slug === slug).cursor;
      const draftCursor = cursorOf(draft.slug);
      const goneCursor = cursorOf(doomed.slug);
      await app.current.graphql(`mutation($id: ID!) { deletePost(id: $id) }`, { token: writer.token, variables: { id: doomed.id } });

      const asReader = (cursor: string) =>
        app.current.graphql(`query($h: String!, $c: String) { user(handle: $h) { posts(first: 10, after: $c) { edges { node { slug } } pageInfo { hasNextPage hasPreviousPage } } } }`, {
          token: commenter.token,
          variables: { h: writer.handle, c: cursor },
        });
      const [hidden, gone] = [await asReader(draftCursor), await asReader(goneCursor)];
      expectNoErrors(hidden);
      expect(hidden.body).toEqual(gone.body);
      expect(hidden.body.data!.user.posts.edges).toEqual([{ node: { slug: oldest.slug } }]);
    });
  });
});
