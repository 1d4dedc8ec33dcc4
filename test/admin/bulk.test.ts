import { describe, expect, it } from "vitest";
import { recount } from "../../src/jobs/recount.js";
import type { Progress } from "../../src/jobs/progress.js";
import { rowId, usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, errorCodes, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp, type GraphQLResponse, type TestApp } from "../support/test-app.js";

const quiet = (): Progress => ({ advance: () => undefined, done: () => undefined });
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString("base64");

const PUBLISH = `mutation($ids: [ID!]!) { publishPosts(ids: $ids) { affectedCount posts { id status } } }`;
const UNPUBLISH = `mutation($ids: [ID!]!) { unpublishPosts(ids: $ids) { affectedCount posts { id status } } }`;
const DELETE = `mutation($filter: AdminPostFilter!) { deletePosts(filter: $filter) { affectedCount deletedIds } }`;
const SUSPEND = `mutation($ids: [ID!]!) { suspendUsers(ids: $ids) { affectedCount users { id handle suspendedAt } } }`;
const UNSUSPEND = `mutation($ids: [ID!]!) { unsuspendUsers(ids: $ids) { affectedCount users { id suspendedAt } } }`;

/** `count` posts by `author` made straight in the database, ascending ids. */
async function postsOf(t: TestApp, authorId: number, count: number, status: "DRAFT" | "PUBLISHED", tag?: string): Promise<number[]> {
  const prisma = t.app.database.prisma;
  const rows = await prisma.post.createManyAndReturn({
    data: Array.from({ length: count }, () => {
      const slug = unique("bulk").replace(/[^a-z0-9]/g, "");
      return { authorId, title: slug, slug, body: "Words.", status, publishedAt: status === "PUBLISHED" ? new Date() : null };
    }),
    select: { id: true },
  });
  const ids = rows.map((row) => row.id).sort((a, b) => a - b);
  if (tag) {
    const { id: tagId } = await prisma.tag.upsert({ where: { name: tag }, create: { name: tag }, update: {}, select: { id: true } });
    await prisma.postTag.createMany({ data: ids.map((postId) => ({ postId, tagId })) });
  }
  return ids;
}

/** The statements of a bulk mutation, without the unit of work's read of the viewer, BEGIN and COMMIT. */
const writes = (response: GraphQLResponse) => {
  const statements = response.statements.filter((sql) => !/^(BEGIN|COMMIT)$/.test(sql));
  expect(statements[0]).toMatch(/FROM "users" WHERE "id" = \$1 AND "suspended_at" IS NULL FOR SHARE$/);
  return statements.slice(1);
};

async function auditCount(t: TestApp, action: string, entityIds: number[]): Promise<number> {
  return t.app.database.prisma.auditEvent.count({ where: { action, entityId: { in: entityIds.map(String) } } });
}

describe.each(testDatabaseKinds)("admins' bulk mutations on %s", (kind) => {
  const app = useTestApp(kind);

  it("publish and unpublish count only the rows they change, in one UPDATE and one audit INSERT whatever the number of ids", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const [writer] = await usersWithTokens(t, 1);
    const drafts = await postsOf(t, rowId(writer!.id), 30, "DRAFT", unique("bulktag"));
    const published = await postsOf(t, rowId(writer!.id), 2, "PUBLISHED");
    const nobody = globalId("Post", 2_000_000_000);

    const few = await t.graphql(PUBLISH, { token: admin!.token, variables: { ids: [...drafts.slice(0, 3), ...published].map((id) => globalId("Post", id)).concat(nobody) } });
    expectNoErrors(few);
    expect(few.body.data!.publishPosts).toEqual({
      affectedCount: 3,
      posts: drafts.slice(0, 3).map((id) => ({ id: globalId("Post", id), status: "PUBLISHED" })),
    });
    const many = await t.graphql(PUBLISH, { token: admin!.token, variables: { ids: drafts.map((id) => globalId("Post", id)) } });
    expectNoErrors(many);
    expect(many.body.data!.publishPosts.affectedCount).toBe(27);
    // UPDATE … RETURNING, one INSERT for every audit event, the payload's one read: for 3 ids and for 27.
    for (const response of [few, many]) {
      expect(writes(response)).toEqual([
        expect.stringMatching(/^\s*UPDATE "posts" SET "status" = 'PUBLISHED'/),
        expect.stringMatching(/^\s*INSERT INTO audit_events[\s\S]*unnest/),
        expect.stringMatching(/^SELECT/),
      ]);
    }
    expect(await auditCount(t, "post.publish", drafts)).toBe(30);
    // The tag's links follow the posts (a trigger): the feed filtered by the tag shows all 30.
    const tagged = await t.app.database.prisma.postTag.count({ where: { postId: { in: drafts }, publishedAt: { not: null } } });
    expect(tagged).toBe(30);

    const back = await t.graphql(UNPUBLISH, { token: admin!.token, variables: { ids: [drafts[0], drafts[1]].map((id) => globalId("Post", id!)) } });
    expectNoErrors(back);
    expect(back.body.data!.unpublishPosts.affectedCount).toBe(2);
    const rows = await t.app.database.prisma.post.findMany({ where: { id: { in: drafts.slice(0, 2) } }, select: { status: true, publishedAt: true } });
    expect(rows).toEqual([{ status: "DRAFT", publishedAt: null }, { status: "DRAFT", publishedAt: null }]);
    expect(await t.app.database.prisma.postTag.count({ where: { postId: { in: drafts.slice(0, 2) }, publishedAt: { not: null } } })).toBe(0);
    expect(await auditCount(t, "post.unpublish", drafts)).toBe(2);
  });

  it("deletePosts deletes what the filter matches with its comments, and every counter stays exact", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const [writer, other] = [await signUp(t), await signUp(t)];
    const tag = unique("deltag");
    const doomed = [await createPost(t, writer, { tags: [tag] }), await createPost(t, writer, { tags: [tag] }), await createPost(t, writer, { tags: [tag], publish: false })];
    const kept = [await createPost(t, writer, { tags: ["kept"] }), await createPost(t, other, { tags: [tag] })];
    // Comments by both users, on doomed and kept posts alike.
    for (const post of [...doomed.slice(0, 2), ...kept]) {
      await addComment(t, other, post.id);
      await addComment(t, writer, post.id);
    }
    // The tag in another case, as the feed's filter takes it.
    const response = await t.graphql(DELETE, { token: admin!.token, variables: { filter: { author: writer.id, tag: ` ${tag.toUpperCase()} ` } } });
    expectNoErrors(response);
    expect(response.body.data!.deletePosts).toEqual({ affectedCount: 3, deletedIds: doomed.map((post) => post.id).sort((a, b) => rowId(a) - rowId(b)) });
    expect(writes(response)).toEqual([
      expect.stringMatching(/^\s*SELECT "id" FROM "posts" WHERE/),
      expect.stringMatching(/^\s*DELETE FROM "posts"/),
      expect.stringMatching(/^\s*INSERT INTO audit_events/),
    ]);
    const prisma = t.app.database.prisma;
    expect(await prisma.post.count({ where: { id: { in: doomed.map((post) => rowId(post.id)) } } })).toBe(0);
    expect(await prisma.comment.count({ where: { postId: { in: doomed.map((post) => rowId(post.id)) } } })).toBe(0);
    expect(await prisma.post.count({ where: { id: { in: kept.map((post) => rowId(post.id)) } } })).toBe(2);
    expect(await auditCount(t, "post.delete", doomed.map((post) => rowId(post.id)))).toBe(3);

    // What readers see: the counts, through the API.
    const counts = await t.graphql(`query($a: String!, $b: String!, $tag: String!) {
      a: user(handle: $a) { postCount } b: user(handle: $b) { postCount } tag(name: $tag) { postCount }
    }`, { variables: { a: writer.handle, b: other.handle, tag } });
    expect(counts.body.data).toEqual({ a: { postCount: 1 }, b: { postCount: 1 }, tag: { postCount: 1 } });
    const kept0 = await prisma.post.findUniqueOrThrow({ where: { id: rowId(kept[0]!.id) }, select: { commentCount: true } });
    expect(kept0.commentCount).toBe(2);
    // And every denormalised figure in the database: the recount job finds nothing to fix.
    const report = await recount(prisma, { progress: quiet });
    expect(report.fixed).toEqual({ "posts.comment_count": 0, "post_tags.published_at": 0, "tags.post_count": 0, author_post_counts: 0, "credit_accounts.balance": 0 });
  });

  it("refuses an empty filter, one matching more than 1000 posts, and more than 1000 ids, deleting nothing", async () => {
    const t = app.current;
    const [admin, writer] = await usersWithTokens(t, 2);
    await t.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    const ids = await postsOf(t, rowId(writer!.id), 1_001, "DRAFT");

    // A blank tag is no condition, as in the feed: not "posts with no tag", nor "every post".
    for (const filter of [{}, { tag: "" }, { tag: "   " }]) {
      const empty = await t.graphql(DELETE, { token: admin!.token, variables: { filter } });
      expect(empty.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter" });
      expect(writes(empty).filter((sql) => /DELETE|INSERT/.test(sql))).toEqual([]);
    }
    const tooMany = await t.graphql(DELETE, { token: admin!.token, variables: { filter: { author: writer!.id } } });
    expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter" });
    expect(tooMany.body.errors?.[0]?.message).toMatch(/more than 1000 posts/);
    expect(writes(tooMany).filter((sql) => /DELETE|INSERT/.test(sql))).toEqual([]);
    const overLimit = await t.graphql(PUBLISH, { token: admin!.token, variables: { ids: ids.map((id) => globalId("Post", id)) } });
    expect(overLimit.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "ids" });
    const badId = await t.graphql(PUBLISH, { token: admin!.token, variables: { ids: [globalId("Post", ids[0]!), globalId("User", 1)] } });
    expect(badId.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "ids.1" });
    const badAuthor = await t.graphql(DELETE, { token: admin!.token, variables: { filter: { author: "nope" } } });
    expect(badAuthor.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.author" });
    expect(await t.app.database.prisma.post.count({ where: { authorId: rowId(writer!.id) } })).toBe(1_001);
    expect(await t.app.database.prisma.post.count({ where: { status: "PUBLISHED", id: { in: ids } } })).toBe(0);
    // Narrowed under the limit, the same author's posts go.
    await t.app.database.prisma.post.update({ where: { id: ids[5]! }, data: { status: "PUBLISHED", publishedAt: new Date() } });
    const narrowed = await t.graphql(DELETE, { token: admin!.token, variables: { filter: { author: writer!.id, status: "PUBLISHED" } } });
    expect(narrowed.body.data).toEqual({ deletePosts: { affectedCount: 1, deletedIds: [globalId("Post", ids[5]!)] } });
    expect(await t.app.database.prisma.post.count({ where: { authorId: rowId(writer!.id) } })).toBe(1_000);
  });

  it("is for admins only: anyone else gets FORBIDDEN or UNAUTHENTICATED and changes nothing", async () => {
    const t = app.current;
    const [user, victim] = await usersWithTokens(t, 2);
    const [draft] = await postsOf(t, rowId(victim!.id), 1, "DRAFT");
    const attempts = [
      [PUBLISH, { ids: [globalId("Post", draft!)] }],
      [UNPUBLISH, { ids: [globalId("Post", draft!)] }],
      [DELETE, { filter: { author: victim!.id } }],
      [SUSPEND, { ids: [victim!.id] }],
      [UNSUSPEND, { ids: [victim!.id] }],
    ] as const;
    for (const [query, variables] of attempts) {
      expect(errorCodes(await t.graphql(query, { token: user!.token, variables }))).toEqual(["FORBIDDEN"]);
      expect(errorCodes(await t.graphql(query, { variables }))).toEqual(["UNAUTHENTICATED"]);
    }
    expect(await t.app.database.prisma.post.findUniqueOrThrow({ where: { id: draft! }, select: { status: true } })).toEqual({ status: "DRAFT" });
    expect(await t.app.database.prisma.user.findUniqueOrThrow({ where: { id: rowId(victim!.id) }, select: { suspendedAt: true } })).toEqual({ suspendedAt: null });
  });

  it("a suspended user cannot log in and their tokens stop working at once; unsuspended, both work again", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const writer = await signUp(t);
    const me = `{ viewer { handle } }`;
    expect((await t.graphql(me, { token: writer.token })).body.data).toEqual({ viewer: { handle: writer.handle } });

    const suspended = await t.graphql(SUSPEND, { token: admin!.token, variables: { ids: [writer.id, writer.id] } });
    expectNoErrors(suspended);
    expect(suspended.body.data!.suspendUsers).toMatchObject({ affectedCount: 1, users: [{ id: writer.id, handle: writer.handle, suspendedAt: expect.any(String) }] });
    const again = await t.graphql(SUSPEND, { token: admin!.token, variables: { ids: [writer.id] } });
    expect(again.body.data!.suspendUsers).toEqual({ affectedCount: 0, users: [] });

    // The old token now signs nobody in: reads are public, writes need a viewer.
    expect((await t.graphql(me, { token: writer.token })).body.data).toEqual({ viewer: null });
    expect(errorCodes(await t.graphql(`mutation { createPost(input: { title: "Still here", body: "Hi." }) { id } }`, { token: writer.token }))).toEqual(["UNAUTHENTICATED"]);
    const logIn = `mutation($input: LogInInput!) { logIn(input: $input) { token } }`;
    expect(errorCodes(await t.graphql(logIn, { variables: { input: { email: writer.email, password: writer.password } } }))).toEqual(["ACCOUNT_SUSPENDED"]);
    // The wrong password says what it says to anyone: nothing about the suspension.
    expect(errorCodes(await t.graphql(logIn, { variables: { input: { email: writer.email, password: "wrong password!" } } }))).toEqual(["UNAUTHENTICATED"]);
    // Only admins see suspendedAt.
    const seen = await t.graphql(`query($h: String!) { user(handle: $h) { suspendedAt } }`, { variables: { h: writer.handle } });
    expect(seen.body.data).toEqual({ user: { suspendedAt: null } });
    expect(await auditCount(t, "user.suspend", [rowId(writer.id)])).toBe(1);

    const lifted = await t.graphql(UNSUSPEND, { token: admin!.token, variables: { ids: [writer.id] } });
    expect(lifted.body.data!.unsuspendUsers).toEqual({ affectedCount: 1, users: [{ id: writer.id, suspendedAt: null }] });
    expect((await t.graphql(me, { token: writer.token })).body.data).toEqual({ viewer: { handle: writer.handle } });
    expectNoErrors(await t.graphql(logIn, { variables: { input: { email: writer.email, password: writer.password } } }));
  });

  it("an admin cannot suspend themselves, and a failing bulk mutation leaves nothing half-written", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const users = await usersWithTokens(t, 3);
    const self = await t.graphql(SUSPEND, { token: admin!.token, variables: { ids: [...users.map((user) => user.id), admin!.id] } });
    expect(self.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "ids" });
    expect(await t.app.database.prisma.user.count({ where: { id: { in: users.map((user) => rowId(user.id)) }, suspendedAt: { not: null } } })).toBe(0);

    // Two bulk writes in one operation: the second fails, so the first is rolled back with it.
    const [draft] = await postsOf(t, rowId(users[0]!.id), 1, "DRAFT");
    const both = await t.graphql(`mutation($posts: [ID!]!, $users: [ID!]!) {
      publishPosts(ids: $posts) { affectedCount } suspendUsers(ids: $users) { affectedCount }
    }`, { token: admin!.token, variables: { posts: [globalId("Post", draft!)], users: [admin!.id] } });
    expect(errorCodes(both)).toEqual(["BAD_USER_INPUT"]);
    expect(await t.app.database.prisma.post.findUniqueOrThrow({ where: { id: draft! }, select: { status: true } })).toEqual({ status: "DRAFT" });
    expect(await auditCount(t, "post.publish", [draft!])).toBe(0);
  });
});
