import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { rowId, usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { errorCodes } from "../support/fixtures.js";
import { eventStreamParts, streamedItems } from "../support/incremental.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const EXPORT = `query Export($filter: AdminPostFilter) { exportPosts(filter: $filter) @stream(initialCount: 1) { id title status author { handle } tags { name } } }`;

/** `count` posts by `authorId` made in one statement, with bodies of about 1 kB; their ids. */
async function bulkPosts(t: TestApp, authorId: number, count: number, prefix: string): Promise<void> {
  await t.app.database.prisma.$executeRaw`
    INSERT INTO posts (author_id, title, slug, body, status, published_at, updated_at)
    SELECT ${authorId}, 'Post ' || g, ${prefix} || '-' || g, repeat('Some words of the body. ', 40),
           CASE WHEN g % 4 = 0 THEN 'DRAFT' ELSE 'PUBLISHED' END::"PostStatus", CASE WHEN g % 4 = 0 THEN NULL ELSE now() END, now()
    FROM generate_series(1, ${count}) AS g`;
}

function exportRequest(t: TestApp, token: string, query = EXPORT, variables: Record<string, unknown> = {}, signal?: AbortSignal) {
  return t.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal,
  });
}

describe.each(testDatabaseKinds)("exportPosts with @stream on %s", (kind) => {
  const app = useTestApp(kind);

  it.each([
    ["exportPosts, a literal", `{ exportPosts @stream(initialCount: -1) { id } }`, {}],
    ["exportPosts, a variable", `query($n: Int!) { exportPosts @stream(initialCount: $n) { id } }`, { n: -5 }],
    ["a connection's edges", `{ posts(first: 2) { edges @stream(initialCount: -1) { cursor } } }`, {}],
    ["a post's tags, in a fragment", `{ posts(first: 2) { edges { node { ...P } } } } fragment P on Post { tags @stream(initialCount: -2) { name } }`, {}],
    ["stats", `query($n: Int) { stats(from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { postsPerMonth @stream(initialCount: $n) { posts } } }`, { n: -1 }],
  ])("answers @stream with a negative initialCount (%s) with BAD_USER_INPUT, logged at info", async (_case, query, variables) => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    t.logs.length = 0;
    const response = await exportRequest(t, admin!.token, query, variables);
    expect(response.status).toBe(200);
    const parts = [];
    for await (const part of eventStreamParts(response)) parts.push(part);
    expect(parts).toEqual([{ errors: [expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field: "initialCount" } })] }]);
    expect(t.logs.filter((line) => line.level === "error" || line.level === "warn")).toEqual([]);
    expect(t.logs.filter((line) => line.message === "request rejected")).toMatchObject([{ level: "info", reasons: ["BAD_USER_INPUT"] }]);
  });

  it("streams every matching post in id order, drafts included, reading chunks of 500 with planned relations", async () => {
    const t = app.current;
    const [admin, writer] = await usersWithTokens(t, 2);
    await t.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    await bulkPosts(t, rowId(writer!.id), 1_203, "exp");
    const response = await exportRequest(t, admin!.token, EXPORT, { filter: { author: writer!.id } });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const parts = [];
    for await (const part of eventStreamParts(response)) parts.push(part);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1)).toMatchObject({ hasNext: false });
    const items = streamedItems(parts, "exportPosts") as { id: string; title: string; status: string; author: { handle: string }; tags: unknown[] }[];
    expect(items).toHaveLength(1_203);
    expect(items.map((item) => item.title)).toEqual(Array.from({ length: 1_203 }, (_, i) => `Post ${i + 1}`));
    expect(items.filter((item) => item.status === "DRAFT")).toHaveLength(300);
    expect(new Set(items.map((item) => item.author.handle))).toEqual(new Set([writer!.handle]));

    // The viewer, then one statement per chunk of 500 for the posts with their author and tags: 3 chunks.
    const operation = t.logs.find((line) => line.message === "operation" && line.parts === parts.length);
    expect(operation).toMatchObject({ operationName: "Export", sqlStatements: 1 + 3, errors: 0 });
    expect(t.logs).toContainEqual(expect.objectContaining({ message: "export finished", rows: 1_203, requestId: operation!.requestId }));
  });

  it("is refused without @stream, to anyone but admins, and @defer or @stream in a mutation fails validation", async () => {
    const t = app.current;
    const [admin, user] = await usersWithTokens(t, 2);
    await t.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    const whole = await t.graphql(`{ exportPosts { id } }`, { token: admin!.token });
    expect(whole.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "exportPosts" });
    const off = await t.graphql(`query($s: Boolean!) { exportPosts @stream(if: $s) { id } }`, { token: admin!.token, variables: { s: false } });
    expect(errorCodes(off)).toEqual(["BAD_USER_INPUT"]);
    expect(errorCodes(await t.graphql(`{ exportPosts @stream { id } }`, { token: user!.token }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await t.graphql(`{ exportPosts @stream { id } }`))).toEqual(["UNAUTHENTICATED"]);

    const mutations = [
      `mutation { createPost(input: { title: "Deferred", body: "B." }) { id ... @defer { title } } }`,
      `mutation { publishPosts(ids: []) { affectedCount posts @stream { id } } }`,
      `mutation { createPost(input: { title: "Via a fragment", body: "B." }) { ...Later } } fragment Later on Post { id ... @defer { slug } }`,
    ];
    for (const query of mutations) {
      const response = await t.graphql(query, { token: admin!.token });
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^@(defer|stream) cannot be used in a mutation/), extensions: { code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" } });
    }
    expect(await t.app.database.prisma.post.count({ where: { title: { in: ["Deferred", "Via a fragment"] } } })).toBe(0);
    // In a query, @defer works.
    const deferred = await exportRequest(t, admin!.token, `{ viewer { handle ... @defer { email } } }`);
    const parts = [];
    for await (const part of eventStreamParts(deferred)) parts.push(part);
    expect(parts[0]).toMatchObject({ data: { viewer: { handle: expect.any(String) } }, hasNext: true });
    expect(parts.at(-1)).toMatchObject({ hasNext: false });
    expect(JSON.stringify(parts)).toContain(admin!.email);
  });

  it("answers a client that cannot read parts with 406 and a JSON error, and closes the stream", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    await bulkPosts(t, rowId(admin!.id), 1_200, "whole");
    const response = await t.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${admin!.token}` },
      body: JSON.stringify({ query: `query WholeOnly { exportPosts @stream { id } }` }),
    });
    expect(response.status).toBe(406);
    expect(await response.json()).toEqual({
      errors: [{ message: expect.stringMatching(/^This operation answers in parts/), extensions: { code: "BAD_USER_INPUT", reason: "NOT_ACCEPTABLE" } }],
    });
    const operation = await waitFor(() => t.logs.find((line) => line.message === "operation" && line.operationName === "WholeOnly"));
    const stopped = await waitFor(() => t.logs.find((line) => line.message === "export stopped" && line.requestId === operation.requestId));
    expect(stopped.rows).toBeLessThan(1_200);
  });

  it("stops reading when the client goes away: the generator's finally runs and no further chunk is read", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    await bulkPosts(t, rowId(admin!.id), 3_000, "abort");
    const controller = new AbortController();
    const response = await exportRequest(t, admin!.token, `query Abandoned { exportPosts(filter: { author: "${admin!.id}" }) @stream { id } }`, {}, controller.signal);
    const parts = eventStreamParts(response);
    await parts.next();
    controller.abort();
    await parts.return(undefined);
    const operation = await waitFor(() => t.logs.find((line) => line.message === "operation" && line.operationName === "Abandoned"));
    const stopped = await waitFor(() => t.logs.find((line) => line.message === "export stopped" && line.requestId === operation.requestId));
    expect(stopped.rows).toBeLessThan(3_000);
    // 6 chunks of 500 would be 7 statements with the viewer's.
    expect(operation.sqlStatements).toBeLessThan(7);
  });

});

describe.each(testDatabaseKinds)("exportPosts' memory on %s", (kind) => {
  // As in production: no per-request record of every statement (the tests' statement counts).
  const app = useTestApp(kind, { env: { DB_COUNT_STATEMENTS: "false" } });

  it("stays flat: 10 times the rows grow the peak live heap by less than twice as much", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const small = 3_000;
    await bulkPosts(t, rowId(admin!.id), small, "mem-a");
    // Live heap, measured after a full collection at every part the client receives: what the
    // server holds while streaming, not garbage that a collection would have freed anyway.
    const measure = async (expected: number) => {
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      let items = 0;
      // A full collection takes about a millisecond, so one per streamed item made this test
      // take 45 s. Every 250 items is still 120 looks at the large export: a heap that grew
      // with the rows would show in them.
      let sampledAt = 0;
      const response = await exportRequest(t, admin!.token, `query Memory($author: ID!) { exportPosts(filter: { author: $author }) @stream { id title body author { handle } } }`, { author: admin!.id });
      for await (const part of eventStreamParts(response)) {
        items += streamedItems([{}, part], "exportPosts").length + (part.data?.exportPosts?.length ?? 0);
        if (items - sampledAt < 250) continue;
        sampledAt = items;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      expect(items).toBe(expected);
      return peak - baseline;
    };
    await measure(small); // warm up: compile the paths once
    const growthSmall = await measure(small);
    await bulkPosts(t, rowId(admin!.id), small * 9, "mem-b");
    const growthLarge = await measure(small * 10);
    console.log(`exportPosts peak heap growth on ${kind}: ${(growthSmall / 1e6).toFixed(1)} MB for ${small} posts, ${(growthLarge / 1e6).toFixed(1)} MB for ${small * 10}`);
    expect(growthLarge).toBeLessThan(2 * growthSmall);
  }, 120_000);
});

async function waitFor<T>(find: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
