import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { eventStreamParts } from "./support/incremental.js";
import { ERROR_CODES, REFUSAL_REASONS } from "../src/errors.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createPost, errorCodes, signUp } from "./support/fixtures.js";
import { startTestApp, useTestApp } from "./support/test-app.js";

const toGlobalId = (type: string, id: string | number) => Buffer.from(`${type}:${id}`).toString("base64");

describe.each(testDatabaseKinds)("error codes on %s", (kind) => {
  const app = useTestApp(kind);

  it.each([
    ["a malformed query", `{ posts(first: 1 { edges }`, "GRAPHQL_PARSE_FAILED"],
    ["an unknown field", `{ posts(first: 1) { nope } }`, "GRAPHQL_VALIDATION_FAILED"],
    ["an invalid literal", `{ posts(filter: { publishedAfter: "yesterday" }) { edges { cursor } } }`, "GRAPHQL_VALIDATION_FAILED"],
  ])("answers %s with BAD_USER_INPUT, never a 500", async (_case, query, reason) => {
    const response = await app.current.graphql(query);
    expect(response.status).toBeLessThan(500);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", reason } }]);
  });

  it("answers a variable of the wrong type with BAD_USER_INPUT", async () => {
    const response = await app.current.graphql(`query($n: Int!) { posts(first: $n) { edges { cursor } } }`, { variables: { n: "x" } });
    expect(response.status).toBeLessThan(500);
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
  });

  // RFC 3339 allows these, PostgreSQL does not: they used to fail in the database as INTERNAL_SERVER_ERROR.
  it.each([
    ["the year 0000, written in the document", `{ posts(first: 1, filter: { publishedAfter: "0000-01-01T00:00:00Z" }) { edges { cursor } } }`, {}],
    ["an offset past 9999 in UTC, in a variable", `query($d: DateTime) { posts(first: 1, filter: { publishedBefore: $d }) { edges { cursor } } }`, { d: "9999-12-31T23:59:59-05:00" }],
    ["an offset before 0001 in UTC, in a variable", `query($d: DateTime!) { stats(from: $d, to: "0001-01-20T00:00:00Z") { topTags(first: 3) { posts } } }`, { d: "0001-01-01T00:00:00+01:00" }],
  ])("answers a DateTime outside the years 0001 to 9999 (%s) with BAD_USER_INPUT that names the range", async (_case, query, variables) => {
    const response = await app.current.graphql(query, { variables });
    expect(response.status).toBeLessThan(500);
    expect(response.body.data).toBeUndefined();
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    expect(response.body.errors![0]!.message).toMatch(/must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z/);
  });

  it("accepts the first and the last instant a DateTime input may be", async () => {
    const response = await app.current.graphql(
      `{ posts(first: 1, filter: { publishedAfter: "0001-01-01T00:00:00Z", publishedBefore: "9999-12-31T23:59:59.999Z" }) { edges { cursor } }
         early: stats(from: "0001-01-01T00:00:00Z", to: "0001-01-31T00:00:00Z") { topTags(first: 3) { posts } postsPerMonth { posts } }
         late: stats(from: "9999-12-01T00:00:00Z", to: "9999-12-31T23:59:59.999Z") { topTags(first: 3) { posts } postsPerMonth { posts } } }`,
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toMatchObject({ early: { topTags: [], postsPerMonth: [] }, late: { topTags: [], postsPerMonth: [] } });
  });

  it.each([
    ["not base64 at all", "garbage"],
    ["a Post id that is not a number", toGlobalId("Post", "abc")],
    ["an unknown type", toGlobalId("Spaceship", 1)],
  ])("answers a bad id (%s) with BAD_USER_INPUT", async (_case, id) => {
    const response = await app.current.graphql(`query($id: ID!) { node(id: $id) { id } }`, { variables: { id } });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ node: null });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
  });

  it("answers an id of any type that is no Node in the same words, so node(id:) lists no types when introspection is off", async () => {
    const names = ["Spaceship", "Stats", "Profile", "AuthPayload", "PostStatus", "Node", "String", "__Schema", "constructor", "__proto__"];
    const answers = new Set<string>();
    for (const name of names) {
      const response = await app.current.graphql(`query($id: ID!) { node(id: $id) { id } }`, { variables: { id: toGlobalId(name, 1) } });
      answers.add(JSON.stringify(response.body));
    }
    expect([...answers]).toEqual([
      JSON.stringify({ errors: [{ message: '"id" is not a valid id.', locations: [{ line: 1, column: 19 }], path: ["node"], extensions: { code: "BAD_USER_INPUT", field: "id" } }], data: { node: null } }),
    ]);
  });

  it("refuses a node id whose number is not written as Inkwell writes it, and names a bad item of nodes(ids:) by its place", async () => {
    const author = await signUp(app.current);
    const post = await createPost(app.current, author);
    const [, number] = Buffer.from(post.id, "base64").toString().split(":");
    const padded = await app.current.graphql(`query($id: ID!) { node(id: $id) { id } }`, { variables: { id: toGlobalId("Post", `0${number}`) } });
    expect(padded.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "id" } }]);
    const listed = await app.current.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { variables: { ids: [post.id, toGlobalId("Stats", 1)] } });
    expect(listed.body.errors).toMatchObject([{ message: '"ids.1" is not a valid id.', extensions: { code: "BAD_USER_INPUT", field: "ids.1" } }]);
  });

  it("answers a bad id in a mutation with BAD_USER_INPUT naming the argument, and writes nothing", async () => {
    const user = await signUp(app.current);
    const before = await app.current.app.database.prisma.auditEvent.count();
    const response = await app.current.graphql(`mutation { publishPost(id: "${toGlobalId("User", 1)}") { id } }`, { token: user.token });
    expect(response.body).toMatchObject({ data: null, errors: [{ path: ["publishPost"], extensions: { code: "BAD_USER_INPUT", field: "id" } }] });
    expect(await app.current.app.database.prisma.auditEvent.count()).toBe(before);
  });

  it("answers an id that names nothing with null, not an error", async () => {
    const response = await app.current.graphql(`{ node(id: "${toGlobalId("Post", 2_000_000_000)}") { id } }`);
    expect(response.body).toEqual({ data: { node: null } });
  });

  it.each([
    ["first: 1000 on a root connection", `{ posts(first: 1000) { edges { cursor } } }`, ["posts"], "first"],
    ["last: 101 on a root connection", `{ users(last: 101) { edges { cursor } } }`, ["users"], "last"],
    ["first: -1", `{ tags(first: -1) { edges { cursor } } }`, ["tags"], "first"],
    ["first and last together", `{ posts(first: 2, last: 2) { edges { cursor } } }`, ["posts"], "last"],
  ])("rejects %s with BAD_USER_INPUT naming the argument", async (_case, query, path, field) => {
    const response = await app.current.graphql(query);
    expect(response.status).toBe(200);
    expect(response.body.errors).toMatchObject([{ path, extensions: { code: "BAD_USER_INPUT", field } }]);
  });

  it("rejects an oversized page on a nested connection at that connection's own path", async () => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(`query($h: String!) { user(handle: $h) { posts(first: 1000) { edges { cursor } } } }`, {
      variables: { h: user.handle },
    });
    expect(response.statements).toHaveLength(1); // the user; the page is refused before it is read
    expect(response.body.errors).toMatchObject([{ path: ["user", "posts"], extensions: { code: "BAD_USER_INPUT", field: "first" } }]);
  });

  it.each([
    ["written in the document", `{ users(first: 100) { edges { node { posts(first: 100) { edges { node { comments(first: 100) { edges { node { body } } } } } } } } } }`, {}, 3_030_301],
    // graphql-armor's cost, which this replaced, counted these as pages of 1.
    ["in variables", `query ($n: Int) { users(first: $n) { edges { node { posts(first: $n) { edges { node { comments(first: $n) { edges { node { body } } } } } } } } } }`, { n: 100 }, 3_030_301],
    ["in a fragment's variable", `query ($n: Int) { users(first: 100) { edges { node { ...P } } } } fragment P on User { posts(first: $n) { edges { node { comments(last: $n) { edges { node { body } } } } } } }`, { n: 100 }, 3_030_301],
    ["left to their default of 20", `{ users { edges { node { posts { edges { node { comments { edges { node { body } } } } } } } } } }`, {}, 25_261],
  ])("rejects a query beyond the cost limit before running it, its page sizes %s", async (_how, query, variables, cost) => {
    const response = await app.current.graphql(query, { variables });
    expect(response.statements).toEqual([]);
    expect(response.body).toEqual({
      errors: [{
        message: `The operation asks for about ${cost} items, more than 25000: ask for smaller pages (first, last) or fewer nested lists.`,
        extensions: { code: "BAD_USER_INPUT", reason: "COST_LIMIT" },
      }],
    });
  });

  it("refuses a subscription beyond the cost limit before it opens, its page sizes in variables", async () => {
    const query = `subscription ($post: ID!, $n: Int) { commentAdded(postId: $post) { node { post { comments(first: $n) { edges { node { author { posts(first: $n) { edges { node { comments(first: $n) { totalCount } } } } } } } } } } } }`;
    const response = await app.current.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query, variables: { post: "UG9zdDox", n: 100 } }),
    });
    const parts = [];
    for await (const part of eventStreamParts(response)) parts.push(part);
    expect(parts).toEqual([{ errors: [expect.objectContaining({ message: expect.stringMatching(/^The operation asks for about \d+ items, more than 25000/), extensions: { code: "BAD_USER_INPUT", reason: "COST_LIMIT" } })] }]);
  });

  it("runs the same query with pages small enough", async () => {
    const query = `query ($n: Int) { users(first: $n) { edges { node { posts(first: $n) { edges { node { comments(first: $n) { edges { node { body } } } } } } } } } }`;
    const response = await app.current.graphql(query, { variables: { n: 10 } });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toMatchObject({ users: { edges: expect.any(Array) } });
  });

  it("answers editing someone else's post with FORBIDDEN, and changes nothing", async () => {
    const [author, other] = [await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author, { title: "Mine" });
    const response = await app.current.graphql(`mutation($input: UpdatePostInput!) { updatePost(input: $input) { title } }`, {
      token: other.token,
      variables: { input: { id: post.id, title: "Stolen" } },
    });
    expect(response.body).toMatchObject({ data: null, errors: [{ path: ["updatePost"], extensions: { code: "FORBIDDEN" } }] });
    const row = await app.current.app.database.prisma.post.findUniqueOrThrow({ where: { slug: post.slug } });
    expect(row.title).toBe("Mine");
  });
});

describe.each(testDatabaseKinds)("unexpected errors on %s", (kind) => {
  it("are masked for the client, carry the request id, and are logged with it", async () => {
    const t = await startTestApp(kind);
    try {
      // A schema the code does not expect: nothing the client did.
      await t.app.database.prisma.$executeRawUnsafe(`ALTER TABLE posts RENAME COLUMN title TO title_renamed`);
      const response = await t.graphql(`{ posts(first: 1) { edges { node { title } } } }`, { headers: { "x-request-id": "req-mask-1" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toBe("req-mask-1");
      expect(response.body).toEqual({
        data: null,
        errors: [
          expect.objectContaining({ message: "Unexpected error.", path: ["posts"], extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-mask-1" } }),
        ],
      });
      expect(JSON.stringify(response.body)).not.toMatch(/title_renamed|does not exist|prisma|stack/i);
      const errors = t.logs.filter((line) => line.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ message: "unexpected error", requestId: "req-mask-1", path: "posts" });
      expect(JSON.stringify(errors[0]!.error)).toMatch(/title/);
    } finally {
      await t.close().catch(() => undefined);
    }
  });

  it("answer a database that is gone with DATABASE_UNAVAILABLE, 503 and Retry-After, and log it at warn", async () => {
    const t = await startTestApp(kind);
    try {
      await t.app.database.close();
      const response = await t.graphql(`{ posts(first: 1) { edges { cursor } } }`, { headers: { "x-request-id": "req-down-1" } });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(response.body).toEqual({
        data: null,
        errors: [
          expect.objectContaining({
            message: "The database is not available; try again shortly.",
            path: ["posts"],
            extensions: { code: "DATABASE_UNAVAILABLE", requestId: "req-down-1" },
          }),
        ],
      });
      expect(t.logs.filter((line) => line.level === "error")).toEqual([]);
      expect(t.logs.filter((line) => line.level === "warn")).toMatchObject([{ message: "database fault", requestId: "req-down-1", code: "DATABASE_UNAVAILABLE" }]);
    } finally {
      await t.close().catch(() => undefined);
    }
  });

  it("answer a database that is gone while the viewer is looked up the same way: 503, the code, the request id, one warning with its cause", async () => {
    const t = await startTestApp(kind);
    try {
      const token = await t.app.services.tokens.issue(1);
      await t.app.database.close();
      const response = await t.graphql(`{ viewer { handle } }`, { token, headers: { "x-request-id": "req-down-2" } });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(response.body.errors).toEqual([
        expect.objectContaining({
          message: "The database is not available; try again shortly.",
          extensions: { code: "DATABASE_UNAVAILABLE", requestId: "req-down-2" },
        }),
      ]);
      expect(t.logs.filter((line) => line.level === "error")).toEqual([]);
      const warnings = t.logs.filter((line) => line.level === "warn");
      expect(warnings).toMatchObject([{ message: "database fault", requestId: "req-down-2", code: "DATABASE_UNAVAILABLE", during: "viewer lookup" }]);
      expect(JSON.stringify(warnings[0]!.error)).toMatch(/closed|terminated|end/i);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe("the README's error table", () => {
  const readme = readFileSync("README.md", "utf8");
  const table = readme.slice(readme.indexOf("| `extensions.code` |"), readme.indexOf("\n\n", readme.indexOf("| `extensions.code` |")));

  it("has a row for every code and names every reason a refused request can carry", () => {
    expect(ERROR_CODES.filter((code) => !table.includes(`| \`${code}\` |`))).toEqual([]);
    expect(Object.keys(REFUSAL_REASONS).filter((reason) => !table.includes(`\`${reason}\``))).toEqual([]);
  });
});
