import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, errorCodes, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

const isTransactionControl = (sql: string) => /^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql.trim());
const isViewerLookup = (sql: string) => /^SELECT "id", "role"::text AS "role" FROM "users"/.test(sql);

/** The statements of the unit of work: the signed-in viewer is read first, on its own, before it. */
function unitOfWork(statements: string[]): string[] {
  const begin = statements.indexOf("BEGIN");
  expect(statements.slice(0, begin).every(isViewerLookup), statements.slice(0, begin).join("\n")).toBe(true);
  return statements.slice(begin);
}

describe.each(testDatabaseKinds)("mutation operations are units of work on %s", (kind) => {
  const app = useTestApp(kind);
  const db = () => app.current.app.database.prisma;
  const auditCount = (action: string, actorHandle: string) =>
    db().auditEvent.count({ where: { action, actor: { handle: actorHandle } } });

  it("commits every root field together, with their audit events, and resolves the payload before COMMIT", async () => {
    const user = await signUp(app.current);
    const title = unique("Together ");
    const response = await app.current.graphql(
      `mutation Two($a: CreatePostInput!, $b: CreatePostInput!) {
        a: createPost(input: $a) { title author { handle postCount posts(first: 5) { edges { node { title } } } } }
        b: createPost(input: $b) { title tags { name postCount } author { postCount } }
      }`,
      { token: user.token, variables: { a: { title: `${title} A`, body: "x" }, b: { title: `${title} B`, body: "y", tags: ["joint"] } } },
    );
    expectNoErrors(response);
    // Root fields run in order on one transaction: b's payload sees a's uncommitted post.
    expect(response.body.data!.a.author.posts.edges.map((edge: any) => edge.node.title)).toEqual([`${title} A`]);
    expect(response.body.data!.a.author.postCount).toBe(1);
    expect(response.body.data!.b.author.postCount).toBe(2);
    expect(response.body.data!.b.tags).toEqual([{ name: "joint", postCount: 0 }]);

    // One transaction: BEGIN first, COMMIT last, every read of the payload in between.
    const statements = unitOfWork(response.statements);
    expect(statements[0]).toBe("BEGIN");
    expect(statements.at(-1)).toBe("COMMIT");
    expect(statements.filter(isTransactionControl)).toEqual(["BEGIN", "COMMIT"]);
    expect(statements.filter((sql) => /INSERT INTO audit_events/.test(sql))).toHaveLength(2);

    expect(await db().post.count({ where: { title: { startsWith: title } } })).toBe(2);
    expect(await auditCount("post.create", user.handle)).toBe(2);
  });

  it("rolls back the first field completely when the second fails: no rows, no audit events", async () => {
    const user = await signUp(app.current);
    const title = unique("Doomed ");
    const tag = unique("tag");
    const response = await app.current.graphql(
      `mutation Two($a: CreatePostInput!) {
        first: createPost(input: $a) { id }
        second: publishPost(id: "bm9wZQ==") { id }
      }`,
      { token: user.token, variables: { a: { title, body: "x", tags: [tag] } } },
    );
    expect(response.body.data).toBeNull();
    expect(response.body.errors).toMatchObject([{ path: ["second"], extensions: { code: "BAD_USER_INPUT" } }]);
    const statements = unitOfWork(response.statements);
    expect(statements[0]).toBe("BEGIN");
    expect(statements.at(-1)).toBe("ROLLBACK");
    expect(await db().post.count({ where: { title } })).toBe(0);
    expect(await db().tag.count({ where: { name: tag } })).toBe(0);
    expect(await auditCount("post.create", user.handle)).toBe(0);
  });

  it("rolls back when the database rejects a later write (a unique violation), even after the first field committed its statements", async () => {
    const existing = await signUp(app.current);
    const handle = unique("fresh");
    const signUpsAudited = () => db().auditEvent.count({ where: { action: "user.signUp" } });
    const auditedBefore = await signUpsAudited();
    const response = await app.current.graphql(
      `mutation Two($a: SignUpInput!, $b: SignUpInput!) { a: signUp(input: $a) { token } b: signUp(input: $b) { token } }`,
      {
        variables: {
          a: { email: `${handle}@example.com`, handle, password: "long enough password", name: "A" },
          b: { email: existing.email, handle: unique("other"), password: "long enough password", name: "B" },
        },
      },
    );
    expect(response.body.data).toBeNull();
    expect(errorCodes(response)).toEqual(["CONFLICT"]);
    expect(await db().user.count({ where: { handle } })).toBe(0);
    // The first sign-up's audit row went with it.
    expect(await signUpsAudited()).toBe(auditedBefore);
  });

  it("stops at the first failed root field and reports its code and path; later fields never run", async () => {
    const [author, other] = [await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author);
    const title = unique("Never ");
    const response = await app.current.graphql(
      `mutation Many($id: ID!, $title: String!) {
        a: updatePost(input: { id: $id, title: "Mine now" }) { id }
        b: createPost(input: { title: $title, body: "x" }) { id }
      }`,
      { token: other.token, variables: { id: post.id, title } },
    );
    expect(response.body).toEqual({
      data: null,
      errors: [expect.objectContaining({ path: ["a"], extensions: { code: "FORBIDDEN" } })],
    });
    expect(response.statements.some((sql) => /INSERT INTO "public"."posts"/.test(sql))).toBe(false);
    expect(await db().post.count({ where: { title } })).toBe(0);
  });

  it("answers a signed-in mutation refused before it writes with the viewer's read alone, and rolls that back", async () => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(`mutation { createPost(input: { title: "   ", body: "x" }) { id } }`, { token: user.token });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    // The acting account is read, locked, before any resolver runs (src/plugins/unit-of-work.ts); nothing else is sent.
    expect(response.statements).toEqual(["BEGIN", expect.stringMatching(/FROM "users" WHERE .* FOR SHARE$/), "ROLLBACK"]);
  });

  it("opens no transaction for an anonymous mutation refused before its first statement", async () => {
    const response = await app.current.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { token } }`, {
      variables: { i: { email: "not an address", handle: unique("refused"), password: "long enough password", name: "R" } },
    });
    expect(errorCodes(response)).toEqual(["BAD_USER_INPUT"]);
    expect(response.statements.filter(isTransactionControl)).toEqual([]);
  });

  it("never opens a transaction for a query", async () => {
    const user = await signUp(app.current);
    await createPost(app.current, user);
    const response = await app.current.graphql(`{ viewer { handle posts(first: 5) { edges { node { title } } } } }`, { token: user.token });
    expectNoErrors(response);
    expect(response.statements.length).toBeGreaterThan(0);
    expect(response.statements.filter(isTransactionControl)).toEqual([]);
  });

  it("records audit events through raw SQL with bound parameters", async () => {
    const user = await signUp(app.current);
    const post = await createPost(app.current, user, { title: unique("Audited "), tags: ["audit"] });
    const events = await db().auditEvent.findMany({
      where: { actor: { handle: user.handle }, entityType: "Post" },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => event.action)).toEqual(["post.create", "post.publish"]);
    const row = await db().post.findUniqueOrThrow({ where: { slug: post.slug } });
    expect(events[0]).toMatchObject({ entityId: String(row.id), data: { slug: post.slug, tags: ["audit"] } });
  });
});
