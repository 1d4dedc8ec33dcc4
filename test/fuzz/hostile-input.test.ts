import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, signUp, type TestPost, type TestUser } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * Random and malformed input against the in-process server. Whatever a
 * client sends, the answer is never a 5xx, never INTERNAL_SERVER_ERROR,
 * and never shows what is inside (SQL, driver or file names, stacks).
 * FUZZ_RUNS sets the number of cases per database, shared by the three
 * properties (500 by default; CI runs 5,000). FUZZ_SEED replays a failure.
 */
const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 500) / 3);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const INTERNALS = /node_modules|\.ts:\d|\bat [\w.<>]+ \(|Prisma|PGlite|invalid input syntax|violates|relation "|column "|SQLSTATE|stack|originalError|Unexpected error/i;

/** Strings a careless or hostile client sends. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "", " ", "\u0000", "a\u0000b", "\uD800", "x\uDFFFy", "\u200B\u200B", "\u202E", "\u0007\u0008", "%", "_", "%_%\\", "'; DROP TABLE users; --",
    "$1", "::", "\\x00", "null", "NaN", "1e309", "-0", "0x7fffffff", "Post:1", "UG9zdDox", "VXNlcjox", "VGFnOjE=", "eyJ2IjpbMV19.AAAA", "....",
  ),
  fc.string({ minLength: 1000, maxLength: 3000 }),
  fc.integer({ min: 0, max: 2_000 }).map((n) => "é".repeat(n)),
);
const pad = (n: number, width: number) => String(n).padStart(width, "0");
/** Any year RFC 3339 can write, crowded at 0000 and 9999, where an instant can fall outside what PostgreSQL holds. */
const edgeYear = fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 9997, max: 9999 }), fc.integer({ min: 0, max: 9999 }));
/** The end of a date-time: offsets that carry an instant past either edge, or a fraction. */
const timeZone = fc.constantFrom("Z", "+23:59", "-23:59", "+01:00", "-05:00", ".999Z");
/** RFC 3339 date-times a client may write, crowded at the years 0000 and 9999, with offsets that carry an instant past either edge. */
const hostileDateTime = fc.oneof(
  fc
    .tuple(edgeYear, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 23 }), timeZone)
    .map(([year, month, day, hour, zone]) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:59:59${zone}`),
  fc.constantFrom("0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"),
  hostileString,
);
const hostileInt = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2_147_483_648, -2_147_483_649, 1e21, 0.5, Number.MAX_SAFE_INTEGER));
const anyJson = fc.jsonValue({ maxDepth: 3 });
/** A value for a variable: usually of the declared type, sometimes anything. */
const value = (typed: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: fc.constant(null) });

interface Known {
  user: TestUser;
  post: TestPost;
  cursors: string[];
  globalIds: string[];
}

/** The API's operations, each with every argument a variable, and a generator for those variables. */
function operations(known: () => Known) {
  const str = value(hostileString);
  const int = value(hostileInt);
  const id = value(fc.oneof(hostileString, fc.constantFrom(...known().globalIds)));
  const cursor = value(
    fc.oneof(hostileString, fc.constantFrom(...known().cursors), fc.constantFrom(...known().cursors).map((c) => c.slice(0, -2) + "AA")),
  );
  const strings = value(fc.array(hostileString, { maxLength: 120 }));
  const dateTime = value(hostileDateTime);
  const page = fc.record({ first: int, last: int, after: cursor, before: cursor }, { requiredKeys: [] });
  const connection = "edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }";
  return [
    { doc: `query($id: ID!) { node(id: $id) { id ... on Post { title } ... on User { handle } } }`, vars: fc.record({ id }) },
    { doc: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: fc.record({ ids: value(fc.array(id, { maxLength: 150 })) }) },
    { doc: `query($slug: String!) { post(slug: $slug) { title comments(first: 2) { ${connection} } } }`, vars: fc.record({ slug: str }) },
    {
      doc: `query($first: Int, $last: Int, $after: String, $before: String, $filter: PostFilter) {
        posts(first: $first, last: $last, after: $after, before: $before, filter: $filter) { ${connection} } }`,
      vars: fc.tuple(page, fc.record({ authorHandle: str, tag: str, search: str, publishedAfter: dateTime, publishedBefore: dateTime }, { requiredKeys: [] }))
        .map(([p, filter]) => ({ ...p, filter })),
    },
    {
      doc: `query($from: DateTime!, $to: DateTime!, $first: Int) {
        stats(from: $from, to: $to) { topTags(first: $first) { posts } postsPerMonth { month posts } mostCommentedWriters(first: $first) { __typename } } }`,
      vars: fc.record({ from: dateTime, to: dateTime, first: int }),
    },
    { doc: `query($first: Int, $last: Int, $after: String, $before: String) { tags(first: $first, last: $last, after: $after, before: $before) { ${connection} } }`, vars: page },
    {
      doc: `query($first: Int, $last: Int, $after: String, $before: String, $search: String) {
        users(first: $first, last: $last, after: $after, before: $before, search: $search) { ${connection} } }`,
      vars: fc.tuple(page, str).map(([p, search]) => ({ ...p, search })),
    },
    {
      doc: `query($handle: String!, $first: Int, $last: Int, $after: String, $before: String) {
        user(handle: $handle) { posts(first: $first, last: $last, after: $after, before: $before) { ${connection} }
          comments(first: $first, after: $after) { ${connection} } } }`,
      vars: fc.tuple(page, fc.oneof(str, fc.constant(known().user.handle))).map(([p, handle]) => ({ ...p, handle })),
    },
    { doc: `query($name: String!, $first: Int, $after: String) { tag(name: $name) { posts(first: $first, after: $after) { ${connection} } } }`, vars: fc.record({ name: str, first: int, after: cursor }) },
    { doc: `mutation($input: SignUpInput!) { signUp(input: $input) { user { handle } } }`, vars: fc.record({ input: value(fc.record({ email: str, handle: str, name: str, password: str })) }), slow: true },
    { doc: `mutation($input: LogInInput!) { logIn(input: $input) { token } }`, vars: fc.record({ input: value(fc.record({ email: str, password: str })) }), slow: true },
    { doc: `mutation($input: CreatePostInput!) { createPost(input: $input) { id slug } }`, vars: fc.record({ input: value(fc.record({ title: str, body: str, tags: strings }, { requiredKeys: ["title", "body"] })) }), auth: true },
    { doc: `mutation($input: UpdatePostInput!) { updatePost(input: $input) { id } }`, vars: fc.record({ input: value(fc.record({ id, title: str, body: str, tags: strings }, { requiredKeys: ["id"] })) }), auth: true },
    { doc: `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, vars: fc.record({ input: value(fc.record({ postId: id, body: str })) }), auth: true },
    { doc: `mutation($id: ID!) { publishPost(id: $id) { id } }`, vars: fc.record({ id }), auth: true },
    { doc: `mutation($id: ID!) { deleteComment(id: $id) }`, vars: fc.record({ id }), auth: true },
    { doc: `mutation($input: SendCreditsInput!) { sendCredits(input: $input) { id amount } }`, vars: fc.record({ input: value(fc.record({ toUserId: id, amount: int, note: str }, { requiredKeys: ["toUserId", "amount"] })) }), auth: true },
    {
      doc: `mutation($input: ImportPostsInput!) { importPosts(input: $input) { importedCount results { error { code field } } } }`,
      vars: fc.record({ input: value(fc.record({ posts: value(fc.array(fc.record({ title: str, body: str, slug: str, tags: strings }, { requiredKeys: ["title", "body"] }), { maxLength: 5 })) })) }),
      auth: true,
    },
    { doc: `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { handle } }`, vars: fc.record({ input: value(fc.record({ name: str, bio: str, website: str, avatarUrl: str }, { requiredKeys: [] })) }), auth: true },
  ];
}

function assertSafe(status: number, text: string, what: string): void {
  expect(status, `${what} → ${status} ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(text, what).not.toMatch(/INTERNAL_SERVER_ERROR/);
  expect(text, what).not.toMatch(INTERNALS);
}

describe.each(testDatabaseKinds)("fuzzing on %s", (kind) => {
  const app = useTestApp(kind);
  let known: Known;

  beforeAll(async () => {
    const t: TestApp = app.current;
    const user = await signUp(t);
    const post = await createPost(t, user, { tags: ["fuzz"] });
    await createPost(t, user, { publish: false });
    const pages = await t.graphql(`{ posts(first: 2) { edges { cursor node { id } } } tags(first: 1) { edges { cursor node { id } } } users(first: 1) { edges { cursor node { id } } } }`);
    const edges = Object.values(pages.body.data as Record<string, { edges: Array<{ cursor: string; node: { id: string } }> }>).flatMap((c) => c.edges);
    known = { user, post, cursors: edges.map((e) => e.cursor), globalIds: [...edges.map((e) => e.node.id), post.id, user.id] };
  });

  it("answers random variables for every operation without a 5xx, an internal error or an internal detail", async () => {
    const ops = operations(() => known);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: ops.length - 1 }).chain((index) => fc.tuple(fc.constant(index), ops[index]!.vars)),
        fc.boolean(),
        async ([index, variables], signedIn) => {
          const op = ops[index]!;
          const response = await app.current.fetch("/graphql", {
            method: "POST",
            headers: {
              "content-type": "application/json",
              accept: "application/graphql-response+json",
              ...((op.auth || signedIn) && known ? { authorization: `Bearer ${known.user.token}` } : {}),
            },
            body: JSON.stringify({ query: op.doc, variables }),
          });
          assertSafe(response.status, await response.text(), `${op.doc.slice(0, 60)} ${JSON.stringify(variables).slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  }, 600_000);

  // The property above sends a date-time among many other wild arguments, which are often refused first.
  it("answers any date-time a client may write, in the feed's filter and the stats period, with the data or BAD_USER_INPUT", async () => {
    const documents = [
      `query($from: DateTime!, $to: DateTime!) { posts(first: 2, filter: { publishedAfter: $from, publishedBefore: $to }) { edges { cursor } } }`,
      `query($from: DateTime!, $to: DateTime!) { stats(from: $from, to: $to) { topTags(first: 3) { posts } postsPerMonth { month posts } mostCommentedWriters(first: 3) { __typename } } }`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...documents), edgeYear, fc.integer({ min: 1, max: 12 }), timeZone, async (query, year, month, offset) => {
        // Nineteen days apart, inside a period stats accepts, so the dates reach the statements.
        const variables = { from: `${pad(year, 4)}-${pad(month, 2)}-01T00:00:00${offset}`, to: `${pad(year, 4)}-${pad(month, 2)}-20T00:00:00${offset}` };
        const response = await app.current.graphql(query, { variables });
        const what = `${query.slice(0, 40)} ${JSON.stringify(variables)}`;
        assertSafe(response.status, JSON.stringify(response.body), what);
        if (response.body.errors) expect(response.body.errors.map((error) => error.extensions?.code), what).toEqual(response.body.errors.map(() => "BAD_USER_INPUT"));
        else expect(response.body.data, what).toBeTruthy();
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 600_000);

  it("answers generated hostile documents the same way", async () => {
    const names = ["node", "nodes", "post", "posts", "tags", "tag", "user", "users", "viewer", "edges", "node", "title", "id", "__typename", "__schema", "comments", "author", "first", "after", "$x", "x"];
    const punct = ["{", "}", "(", ")", ":", "!", "$", "...", "@", "[", "]", "=", ",", "|", "&", "\"", "\"\"\"", "#", "\n", "on", "query", "mutation", "subscription", "fragment", "@skip(if: true)", "@include(if: $x)", "@defer", "@stream"];
    const token = fc.oneof(fc.constantFrom(...names), fc.constantFrom(...punct), hostileString.map((s) => JSON.stringify(s)), fc.integer().map(String));
    const document = fc.oneof(
      fc.array(token, { maxLength: 60 }).map((tokens) => tokens.join(" ")),
      // Deep or wide, valid-looking documents.
      fc.integer({ min: 1, max: 60 }).map((depth) => `{ ${"viewer { posts(first: 100) { edges { node { author { ".repeat(depth)} id ${"} } } } } ".repeat(depth)}}`),
      fc.integer({ min: 1, max: 400 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: posts(first: 100) { edges { cursor } }`).join(" ")} }`),
      fc.integer({ min: 1, max: 200 }).map((n) => `query ${"@skip(if: false) ".repeat(n)}{ __typename }`),
      fc.integer({ min: 1, max: 50 }).map((n) => `query { ...F } ${Array.from({ length: n }, (_, i) => `fragment F${i === 0 ? "" : i} on Query { ...F${i + 1} }`).join(" ")}`),
    );
    await fc.assert(
      fc.asyncProperty(document, fc.option(anyJson), fc.option(hostileString), async (query, variables, operationName) => {
        const response = await app.current.fetch("/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
          body: JSON.stringify({ query, variables, operationName }),
        });
        assertSafe(response.status, await response.text(), query.slice(0, 200));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 600_000);

  it("answers random and malformed HTTP requests the same way", async () => {
    const contentType = fc.constantFrom(
      "application/json", "application/graphql-response+json", "application/graphql", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "multipart/form-data", "text/plain", "application/json; charset=utf-16", "", "*/*",
    );
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      anyJson.map((v) => JSON.stringify(v)),
      fc.record({ query: fc.oneof(fc.string(), anyJson), variables: anyJson, extensions: anyJson, operationName: anyJson }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
      fc.constantFrom("--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\r\n--x--", "{\"query\":\"{ __typename }\"", "\u0000", "[]", "[{}]", "{}", "null"),
    );
    const query = fc.dictionary(fc.constantFrom("query", "variables", "extensions", "operationName", "x"), fc.oneof(fc.string({ maxLength: 50 }), anyJson.map((v) => JSON.stringify(v))), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"), contentType, body, query, fc.constantFrom("/graphql", "/readyz", "/healthz", "/", "/graphql/x"), async (method, type, payload, params, path) => {
        const url = `${path}?${new URLSearchParams(params).toString()}`;
        const response = await app.current.fetch(url, {
          method,
          headers: { ...(type ? { "content-type": type } : {}), accept: "application/graphql-response+json, application/json" },
          ...(method === "GET" ? {} : { body: payload }),
        });
        assertSafe(response.status, await response.text(), `${method} ${url} ${type} ${payload.slice(0, 100)}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 600_000);
});
