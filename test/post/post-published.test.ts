import pg from "pg";
import { describe, expect, it } from "vitest";
import { SqlLog, withSqlLog } from "../../src/db/sql-log.js";
import { rowId, usersWithTokens } from "../credits/support.js";
import { createPostgresTestDatabase, testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { subscribe } from "../support/subscriptions.js";
import { startTestApp, useTestApp, type TestApp } from "../support/test-app.js";

const POST_PUBLISHED = `subscription Published($author: ID, $tag: String, $after: String) {
  postPublished(author: $author, tag: $tag, after: $after) { cursor node { id title status author { handle } tags { name } } }
}`;

interface Published {
  postPublished: { cursor: string; node: { id: string; title: string; status: string; author: { handle: string }; tags: { name: string }[] } };
}

/** The ids of the posts a stream delivers within `ms`, in order. */
async function deliveredWithin(stream: { collect(ms: number): Promise<{ data?: Published | null }[]> }, ms: number): Promise<string[]> {
  return (await stream.collect(ms)).map((event) => event.data!.postPublished.node.id);
}

/** Published posts written by bulk SQL (no mutation, so no event): numbered at commit by the triggers all the same. */
async function publishBySql(t: TestApp, authorId: number, count: number): Promise<void> {
  const prefix = unique("bulk").toLowerCase();
  await t.app.database.prisma.$executeRaw`
    INSERT INTO "posts" ("author_id", "title", "slug", "body", "status", "published_at", "updated_at")
    SELECT ${authorId}, 'Bulk ' || n, ${prefix} || '-' || n, 'Words.', 'PUBLISHED', now(), now() FROM generate_series(1, ${count}::int) AS n`;
}

/**
 * Where a stream stands after its first delivery: it subscribes with
 * `variables`, `writer` publishes one post (`post`), and the stream closes
 * with that post's edge.
 */
async function edgeOfOnePublication(t: TestApp, writer: TestUser, variables: Record<string, unknown>, post: { title?: string; tags?: string[] } = {}) {
  const stream = await subscribe<Published>(t, POST_PUBLISHED, { variables });
  const published = await createPost(t, writer, post);
  const edge = (await stream.next()).data!.postPublished;
  stream.close();
  return { edge, published };
}

describe.each(testDatabaseKinds)("postPublished on %s", (kind) => {
  const app = useTestApp(kind);

  it("delivers each post as it is published, filtered by author and tag, and nothing for drafts", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const other = await signUp(t);
    const tag = unique("t").slice(0, 20);
    const everything = await subscribe<Published>(t, POST_PUBLISHED);
    const byWriter = await subscribe<Published>(t, POST_PUBLISHED, { variables: { author: writer.id } });
    const tagged = await subscribe<Published>(t, POST_PUBLISHED, { variables: { tag: tag.toUpperCase() } });
    await createPost(t, writer, { publish: false, title: "Still a draft" });
    const plain = await createPost(t, writer, { title: "Plain" });
    const withTag = await createPost(t, other, { title: "Tagged", tags: [tag] });
    const all = [await everything.next(), await everything.next()].map((event) => event.data!.postPublished.node);
    expect(all.map((post) => [post.id, post.title, post.status])).toEqual([
      [plain.id, "Plain", "PUBLISHED"],
      [withTag.id, "Tagged", "PUBLISHED"],
    ]);
    expect(all[1]!.tags.map((found) => found.name)).toEqual([tag]);
    expect((await byWriter.next()).data!.postPublished.node.id).toBe(plain.id);
    expect((await tagged.next()).data!.postPublished.node.id).toBe(withTag.id);
    expect(await everything.collect(200)).toEqual([]);
    expect(await byWriter.collect(0)).toEqual([]);
    expect(await tagged.collect(0)).toEqual([]);
    for (const stream of [everything, byWriter, tagged]) stream.close();
  });

  it("delivers the posts an admin publishes in bulk, and an import's published items only", async () => {
    const t = app.current;
    const [admin, writer] = await usersWithTokens(t, 2);
    await t.app.database.prisma.user.update({ where: { handle: admin!.handle }, data: { role: "ADMIN" } });
    const stream = await subscribe<Published>(t, POST_PUBLISHED, { variables: { author: writer!.id } });
    const drafts = [await createPost(t, writer!, { publish: false }), await createPost(t, writer!, { publish: false })];
    const bulk = await t.graphql(`mutation Publish($ids: [ID!]!) { publishPosts(ids: $ids) { affectedCount } }`, {
      token: admin!.token,
      variables: { ids: drafts.map((post) => post.id) },
    });
    expectNoErrors(bulk);
    const delivered = [await stream.next(), await stream.next()].map((event) => event.data!.postPublished.node.id).sort();
    expect(delivered).toEqual(drafts.map((post) => post.id).sort());
    const imported = await t.graphql<{ importPosts: { results: { post: { id: string } | null; error: { code: string } | null }[] } }>(
      `mutation Import($input: ImportPostsInput!) { importPosts(input: $input) { results { post { id } error { code } } } }`,
      {
        token: writer!.token,
        variables: {
          input: {
            posts: [
              { title: "Imported and published", body: "Words.", publish: true },
              { title: "Bad slug", body: "Words.", slug: "Not A Slug!", publish: true },
              { title: "Imported draft", body: "Words." },
            ],
          },
        },
      },
    );
    expectNoErrors(imported);
    const [published, failed] = imported.body.data!.importPosts.results;
    expect(failed!.error).not.toBeNull();
    expect((await stream.next()).data!.postPublished.node.id).toBe(published!.post!.id);
    expect(await stream.collect(200)).toEqual([]);
    stream.close();
  });

  it("resumes after a cursor with what was published while it was away, in order, none repeated, then goes on live", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const tag = unique("r").slice(0, 20);
    const { edge: last, published: before } = await edgeOfOnePublication(t, writer, { tag }, { title: "Before", tags: [tag] });
    expect(last.node.id).toBe(before.id);
    // While no stream is open: two publications, a draft, one published and taken back, one published, withdrawn and published again.
    const away = [await createPost(t, writer, { title: "Away 1", tags: [tag] }), await createPost(t, writer, { title: "Away 2", tags: [tag] })];
    await createPost(t, writer, { publish: false, tags: [tag] });
    const withdrawn = await createPost(t, writer, { tags: [tag] });
    const again = await createPost(t, writer, { tags: [tag] });
    const admin = (await usersWithTokens(t, 1, "ADMIN"))[0]!;
    const unpublish = await t.graphql(`mutation Unpublish($ids: [ID!]!) { unpublishPosts(ids: $ids) { affectedCount } }`, {
      token: admin.token,
      variables: { ids: [withdrawn.id, again.id] },
    });
    expectNoErrors(unpublish);
    const republished = await t.graphql(`mutation Publish($id: ID!) { publishPost(id: $id) { id } }`, { token: writer.token, variables: { id: again.id } });
    expectNoErrors(republished);

    const resumed = await subscribe<Published>(t, POST_PUBLISHED, { variables: { tag, after: last.cursor } });
    // `again` in its second publication's place: after the ones that committed before it.
    expect(await deliveredWithin(resumed, 300)).toEqual([away[0]!.id, away[1]!.id, again.id]);
    const live = await createPost(t, writer, { title: "Live", tags: [tag] });
    expect((await resumed.next()).data!.postPublished.node.id).toBe(live.id);
    expect(await resumed.collect(200)).toEqual([]);
    resumed.close();
  });

  it("delivers a publication whose event never came with the next one it hears, in the order they committed", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const stream = await subscribe<Published>(t, POST_PUBLISHED, { variables: { author: writer.id } });
    // Written by SQL, so nothing announces it: as if its event had been lost between COMMIT and publish.
    await publishBySql(t, rowId(writer.id), 1);
    expect(await stream.collect(200)).toEqual([]);
    const heard = await createPost(t, writer, { title: "Heard" });
    const delivered = [await stream.next(), await stream.next()].map((event) => event.data!.postPublished.node);
    expect(delivered.map((post) => post.title)).toEqual(["Bulk 1", "Heard"]);
    expect(delivered[1]!.id).toBe(heard.id);
    stream.close();
  });

  it("delivers a post with all a query could ask of it: relations, counts, nested pages and the viewer's own fields", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const reader = await signUp(t);
    await createPost(t, writer, { title: "Earlier" });
    const query = `subscription($author: ID) { postPublished(author: $author) { cursor node {
      id title excerpt commentCount viewerCanEdit viewerCanComment tags { name }
      author { handle postCount posts(first: 2) { totalCount edges { node { title } } } }
      comments(first: 2) { totalCount edges { node { body } } }
    } } }`;
    const stream = await subscribe<{ postPublished: { cursor: string; node: Record<string, unknown> } }>(t, query, { token: reader.token, variables: { author: writer.id } });
    const post = await createPost(t, writer, { title: "Everything", body: "All of it.", tags: ["kinds"] });
    const event = await stream.next();
    expect(event.errors).toBeUndefined();
    expect(event.data!.postPublished.node).toEqual({
      id: post.id,
      title: "Everything",
      excerpt: "All of it.",
      commentCount: 0,
      viewerCanEdit: false,
      viewerCanComment: true,
      tags: [{ name: "kinds" }],
      author: { handle: writer.handle, postCount: 2, posts: { totalCount: 2, edges: [{ node: { title: "Everything" } }, { node: { title: "Earlier" } }] } },
      comments: { totalCount: 0, edges: [] },
    });
    stream.close();
  });

  it("reads a publication once for all the subscribers on an instance, each answered as its own viewer", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const readers = [writer, ...(await usersWithTokens(t, 8)), null];
    const query = `subscription { postPublished { node { id viewerCanEdit } } }`;
    const streams = await Promise.all(readers.map((reader) => subscribe<{ postPublished: { node: { id: string; viewerCanEdit: boolean } } }>(t, query, reader ? { token: reader.token } : {})));
    // Statements sent by everything on the instance, as its metrics count them at the driver adapter.
    const sent = async () => Number((await (await t.fetch("/metrics")).text()).match(/^inkwell_sql_statement_duration_seconds_count (\d+)/m)![1]);
    const draft = await createPost(t, writer, { publish: false });
    const before = await sent();
    const published = await t.graphql(`mutation Publish($id: ID!) { publishPost(id: $id) { id } }`, { token: writer.token, variables: { id: draft.id } });
    expectNoErrors(published);
    const delivered = await Promise.all(streams.map((stream) => stream.next()));
    // Only its author may edit it: the viewer's own field, from the one shared row.
    expect(delivered.map((event) => event.data!.postPublished.node.viewerCanEdit)).toEqual(readers.map((reader) => reader === writer));
    expect(delivered.map((event) => event.data!.postPublished.node.id)).toEqual(readers.map(() => draft.id));
    expect((await sent()) - before - published.statements.length).toBe(1);
    for (const stream of streams) stream.close();
  });

  it("follows a post given to another author by SQL: it is that author's publication now", async () => {
    const t = app.current;
    const [first, second] = [await signUp(t), await signUp(t)];
    const { cursor } = (await edgeOfOnePublication(t, second, { author: second.id }, { title: "Their own" })).edge;
    const moved = await createPost(t, first, { title: "Moved" });
    await t.app.database.prisma.$executeRaw`UPDATE "posts" SET "author_id" = ${rowId(second.id)} WHERE "id" = ${rowId(moved.id)}`;
    const resumed = await subscribe<Published>(t, POST_PUBLISHED, { variables: { author: second.id, after: cursor } });
    expect(await deliveredWithin(resumed, 300)).toEqual([moved.id]);
    resumed.close();
  });

  it("reads past the publications it does not deliver a page at a time, whatever their number", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const tag = unique("p").slice(0, 20);
    const { cursor } = (await edgeOfOnePublication(t, writer, { tag }, { tags: [tag] })).edge;
    // 250 publications without the tag, then one with it.
    await publishBySql(t, rowId(writer.id), 250);
    const match = await createPost(t, writer, { tags: [tag] });

    const log = new SqlLog();
    const resumed = await withSqlLog(log, () => subscribe<Published>(t, POST_PUBLISHED, { variables: { tag, after: cursor } }));
    expect(await deliveredWithin(resumed, 300)).toEqual([match.id]);
    resumed.close();
    const reads = log.entries.filter((entry) => entry.sql.includes(`"post_publications"`));
    // 251 publications in pages of 100 (and one more, which says more follow): 101, 101 and 51 rows.
    expect(reads.map((entry) => entry.rows)).toEqual([101, 101, 51]);
  });

  it("takes a cursor only from a stream with the same author and tag, and answers anything else as bad input", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const { cursor } = (await edgeOfOnePublication(t, writer, {})).edge;
    const feed = await t.graphql<{ posts: { pageInfo: { endCursor: string } } }>(`{ posts(first: 1) { pageInfo { endCursor } } }`);
    const refused = [
      { author: writer.id, after: cursor },
      { tag: "other", after: cursor },
      { after: feed.body.data!.posts.pageInfo.endCursor },
      { after: "not a cursor" },
      { after: `${cursor.slice(0, -2)}xx` },
    ];
    for (const variables of refused) {
      const refusedStream = await subscribe(t, POST_PUBLISHED, { variables });
      expect((await refusedStream.next()).errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
    const accepted = await subscribe<Published>(t, POST_PUBLISHED, { variables: { after: cursor } });
    expect(await accepted.collect(100)).toEqual([]);
    accepted.close();
  });

  it("refuses a malformed author id as bad input", async () => {
    const stream = await subscribe(app.current, POST_PUBLISHED, { variables: { author: "not-an-id" } });
    expect((await stream.next()).errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "author" });
  });
});

// PGlite runs one statement at a time, so only PostgreSQL can show a race.
describe.runIf(testDatabaseKinds.includes("postgres"))("publication numbers under concurrent commits on PostgreSQL", () => {
  it("become visible in their own order: a transaction numbers its posts only once the one numbered before it has committed", async () => {
    const database = await createPostgresTestDatabase();
    const t = await startTestApp("postgres", { databaseUrl: database.url });
    const connections = [0, 1, 2].map(() => new pg.Client({ connectionString: database.url }));
    try {
      await Promise.all(connections.map((client) => client.connect()));
      const [first, second, reader] = connections as [pg.Client, pg.Client, pg.Client];
      // Two writers: one writer's publications also wait on each other at their author's counts row.
      const writers = [await signUp(t), await signUp(t)];
      const drafts = [await createPost(t, writers[0]!, { publish: false }), await createPost(t, writers[1]!, { publish: false })].map((post) => rowId(post.id));
      const numbers = `SELECT "post_id", "number"::int AS "number" FROM "post_publications" WHERE "post_id" = ANY($1::int[]) ORDER BY "number"`;
      const publish = `UPDATE "posts" SET "status" = 'PUBLISHED', "published_at" = now() WHERE "id" = $1`;

      // The first transaction reaches its commit-time numbering (SET CONSTRAINTS runs it now) and stays open.
      await first.query("BEGIN");
      await first.query(publish, [drafts[0]]);
      await first.query("SET CONSTRAINTS ALL IMMEDIATE");
      // The second publishes and commits meanwhile: its numbering waits for the first.
      await second.query("BEGIN");
      await second.query(publish, [drafts[1]]);
      let secondCommitted = false;
      const commit = second.query("COMMIT").then(() => (secondCommitted = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(secondCommitted).toBe(false);
      // So a reader meanwhile sees no number past one it cannot see yet.
      expect((await reader.query(numbers, [drafts])).rows).toEqual([]);
      await first.query("COMMIT");
      await commit;
      const seen = (await reader.query(numbers, [drafts])).rows as { post_id: number; number: number }[];
      expect(seen.map((row) => row.post_id)).toEqual(drafts);
      expect(seen[1]!.number).toBeGreaterThan(seen[0]!.number);
    } finally {
      await Promise.all(connections.map((client) => client.end().catch(() => undefined)));
      await t.close();
      await database.drop();
    }
  });

  it("delivers every post published at once by many writers, once each, in the order the numbers say", async () => {
    const database = await createPostgresTestDatabase();
    const t = await startTestApp("postgres", { databaseUrl: database.url });
    try {
      const writers = await usersWithTokens(t, 8);
      const drafts = await Promise.all(writers.flatMap((writer) => [0, 1, 2].map(() => createPost(t, writer, { publish: false }).then((post) => ({ writer, post })))));
      const stream = await subscribe<Published>(t, POST_PUBLISHED);
      const published = await Promise.all(
        drafts.map(({ writer, post }) => t.graphql(`mutation Publish($id: ID!) { publishPost(id: $id) { id } }`, { token: writer.token, variables: { id: post.id } })),
      );
      for (const response of published) expectNoErrors(response);
      const delivered: string[] = [];
      while (delivered.length < drafts.length) delivered.push((await stream.next(5_000)).data!.postPublished.node.id);
      expect(await stream.collect(200)).toEqual([]);
      stream.close();
      const order = await t.app.database.prisma.postPublication.findMany({ orderBy: { number: "asc" }, select: { postId: true } });
      expect(delivered.map(rowId)).toEqual(order.map((row) => row.postId));
      expect(new Set(delivered).size).toBe(drafts.length);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});
