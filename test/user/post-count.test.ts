import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, type TestUser } from "../support/fixtures.js";
import { rowsReadAsRun } from "../support/plans.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * An author's posts are counted by status in author_post_counts, kept by
 * triggers on posts (prisma/migrations/20261207215729_author_post_counts),
 * so `User.postCount` and the totalCount of a user's posts read one row,
 * not every post of the author. These tests hold the counts exact on every
 * path that writes, publishes, withdraws or deletes a post, for every kind
 * of viewer, and equal to what the lists themselves hold.
 */

/** Authors whose stored counts differ from their posts counted: none, when the triggers did their work. */
async function driftedAuthors(t: TestApp): Promise<unknown[]> {
  return t.app.database.prisma.$queryRaw`
    SELECT u.handle, coalesce(c.published, 0) AS published, coalesce(c.drafts, 0) AS drafts,
           count(p.id) FILTER (WHERE p.status = 'PUBLISHED')::int AS "countedPublished", count(p.id) FILTER (WHERE p.status = 'DRAFT')::int AS "countedDrafts"
    FROM users u LEFT JOIN author_post_counts c ON c.author_id = u.id LEFT JOIN posts p ON p.author_id = u.id
    GROUP BY u.id, c.published, c.drafts
    HAVING (coalesce(c.published, 0), coalesce(c.drafts, 0)) <> (count(p.id) FILTER (WHERE p.status = 'PUBLISHED'), count(p.id) FILTER (WHERE p.status = 'DRAFT'))`;
}

const PROFILE = `query($h: String!) {
  user(handle: $h) {
    postCount
    all: posts(first: 100) { totalCount edges { node { id } } }
    drafts: posts(first: 100, status: DRAFT) { totalCount edges { node { id } } }
    published: posts(first: 100, status: PUBLISHED) { totalCount edges { node { id } } }
  }
}`;

interface ListOfPosts {
  totalCount: number;
  edges: unknown[];
}

describe.each(testDatabaseKinds)("a user's post count on %s", (kind) => {
  const app = useTestApp(kind);

  it("stays exact for every viewer when posts are written, published, withdrawn, deleted, and changed by bulk SQL", async () => {
    const t = app.current;
    const [writer, reader, admin] = [await signUp(t), await signUp(t), await signUp(t)];
    const prisma = t.app.database.prisma;
    await prisma.user.update({ where: { handle: admin.handle }, data: { role: "ADMIN" } });
    const viewers: [string, TestUser | null][] = [["the author", writer], ["another user", reader], ["an admin", admin], ["nobody", null]];
    /** Each viewer's [postCount, all, drafts, published], after checking every count equals what its list holds. */
    const counts = async () => {
      expect(await driftedAuthors(t)).toEqual([]);
      const seen: Record<string, number[]> = {};
      for (const [name, viewer] of viewers) {
        const response = await t.graphql(PROFILE, { token: viewer?.token, variables: { h: writer.handle } });
        expectNoErrors(response);
        const user = response.body.data!.user as { postCount: number; all: ListOfPosts; drafts: ListOfPosts; published: ListOfPosts };
        for (const list of [user.all, user.drafts, user.published]) expect(list.totalCount, name).toBe(list.edges.length);
        expect(user.postCount, name).toBe(user.all.totalCount);
        seen[name] = [user.postCount, user.drafts.totalCount, user.published.totalCount];
      }
      return seen;
    };
    const mutate = async (user: TestUser, mutation: string, variables: Record<string, unknown>) => expectNoErrors(await t.graphql(mutation, { token: user.token, variables }));
    // [postCount, drafts, published] for the author, another user, an admin and nobody.
    const expected = (drafts: number, published: number) => ({
      "the author": [drafts + published, drafts, published],
      "another user": [published, 0, published],
      "an admin": [drafts + published, drafts, published],
      nobody: [published, 0, published],
    });

    expect(await counts()).toEqual(expected(0, 0));
    const first = await createPost(t, writer, { publish: false });
    expect(await counts()).toEqual(expected(1, 0));
    await mutate(writer, `mutation($id: ID!) { publishPost(id: $id) { id } }`, { id: first.id });
    expect(await counts()).toEqual(expected(0, 1));
    const second = await createPost(t, writer);
    // A mutation's payload is read inside its unit of work: the counts there already include what it wrote.
    const written = await t.graphql(`mutation($input: CreatePostInput!) { createPost(input: $input) { slug id author { postCount posts(first: 100) { totalCount } } } }`, {
      token: writer.token,
      variables: { input: { title: "Third", body: "Words." } },
    });
    expectNoErrors(written);
    expect(written.body.data!.createPost.author).toEqual({ postCount: 3, posts: { totalCount: 3 } });
    const third = written.body.data!.createPost as { id: string; slug: string };
    expect(await counts()).toEqual(expected(1, 2));
    await mutate(admin, `mutation($ids: [ID!]!) { unpublishPosts(ids: $ids) { affectedCount } }`, { ids: [first.id, second.id] });
    expect(await counts()).toEqual(expected(3, 0));
    await mutate(writer, `mutation($id: ID!) { deletePost(id: $id) }`, { id: third.id });
    expect(await counts()).toEqual(expected(2, 0));
    // Written past the API, as a script or a restore would: the triggers still keep the counts.
    await prisma.$executeRaw`UPDATE posts SET status = 'PUBLISHED', published_at = now() WHERE slug = ${first.slug}`;
    expect(await counts()).toEqual(expected(1, 1));
    const readerId = (await prisma.user.findUniqueOrThrow({ where: { handle: reader.handle }, select: { id: true } })).id;
    await prisma.$executeRaw`UPDATE posts SET author_id = ${readerId} WHERE slug = ${second.slug}`;
    expect(await counts()).toEqual(expected(0, 1));
    // An author deleted with their posts leaves no counts behind; the other author's stay right.
    await prisma.$executeRaw`DELETE FROM users WHERE handle = ${writer.handle}`;
    expect(await prisma.authorPostCount.findMany({ where: { author: { handle: writer.handle } } })).toEqual([]);
    expect(await prisma.authorPostCount.findUnique({ where: { authorId: readerId }, select: { published: true, drafts: true } })).toEqual({
      published: 0,
      drafts: 1,
    });
    expect(await driftedAuthors(t)).toEqual([]);
  });

  it("reads the counts from the author's row: the same rows for an author with 3 posts as with 3,000", async () => {
    const t = app.current;
    const prisma = t.app.database.prisma;
    const authorOf = async (size: number) => {
      const writer = await signUp(t);
      const authorId = (await prisma.user.findUniqueOrThrow({ where: { handle: writer.handle }, select: { id: true } })).id;
      // A tenth are drafts, which only the author sees.
      await prisma.$executeRaw`
        INSERT INTO posts (author_id, title, slug, body, status, published_at, created_at, updated_at)
        SELECT ${authorId}, 'Post ' || g, ${writer.handle.toLowerCase()} || '-' || g, 'Body',
               CASE WHEN g % 10 = 0 THEN 'DRAFT' ELSE 'PUBLISHED' END::"PostStatus", now(), now(), now()
        FROM generate_series(1, ${size}::int) AS g`;
      return writer;
    };
    const read = async (writer: TestUser, viewer: TestUser | null) => {
      const response = await t.graphql(`query($h: String!) { user(handle: $h) { postCount posts(first: 1) { totalCount } } }`, {
        token: viewer?.token,
        variables: { h: writer.handle },
      });
      expectNoErrors(response);
      const count = response.log.find((statement) => /AS "count"/.test(statement.sql))!;
      const lookup = response.log.find((statement) => /"handle"/.test(statement.sql))!;
      return {
        counts: [response.body.data!.user.postCount, response.body.data!.user.posts.totalCount],
        statements: response.log.map((statement) => statement.sql),
        countRows: await rowsReadAsRun(t, response, count),
        lookupRows: await rowsReadAsRun(t, response, lookup),
      };
    };
    const [small, big] = [await authorOf(3), await authorOf(3_000)];
    for (const byAuthor of [false, true]) {
      const [ofSmall, ofBig] = [await read(small, byAuthor ? small : null), await read(big, byAuthor ? big : null)];
      // The author sees their drafts too; everyone else the published posts.
      expect(ofSmall.counts).toEqual([3, 3]);
      expect(ofBig.counts).toEqual(byAuthor ? [3_000, 3_000] : [2_700, 2_700]);
      // The user with their first page read ahead, then the count: the same statements, reading the same rows.
      expect(ofBig.statements).toEqual(ofSmall.statements);
      expect(ofBig.countRows).toBe(ofSmall.countRows);
      expect(ofBig.lookupRows).toBe(ofSmall.lookupRows);
      expect(ofBig.countRows).toBeLessThanOrEqual(2);
    }
  });
});

// PGlite runs one statement at a time, so only PostgreSQL can show a race.
describe.runIf(testDatabaseKinds.includes("postgres"))("a user's post count under concurrent writes on PostgreSQL", () => {
  const app = useTestApp("postgres");

  it("counts twelve posts one author writes at once, and their publishing, without a deadlock or a retry", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const logsBefore = t.logs.length;
    // The author's first posts: none has a counts row to update yet, so all twelve race to make it.
    const drafts = await Promise.all(Array.from({ length: 12 }, () => createPost(t, writer, { publish: false })));
    const published = await Promise.all(
      drafts.slice(0, 5).map((draft) => t.graphql(`mutation($id: ID!) { publishPost(id: $id) { id } }`, { token: writer.token, variables: { id: draft.id } })),
    );
    for (const response of published) expectNoErrors(response);
    expect(t.logs.slice(logsBefore).filter((line) => line.message === "unit of work retried")).toEqual([]);
    const counts = await t.app.database.prisma.authorPostCount.findFirst({ where: { author: { handle: writer.handle } }, select: { published: true, drafts: true } });
    expect(counts).toEqual({ published: 5, drafts: 7 });
    expect(await driftedAuthors(t)).toEqual([]);
  });
});
