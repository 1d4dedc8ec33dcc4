import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { rowsReadAsRun } from "../support/plans.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * A tag's count of published posts is kept on its row by triggers on
 * post_tags (prisma/migrations/20261207151932_tag_post_count), so
 * `Tag.postCount` and the tag's `posts { totalCount }` read one row, not
 * every post with the tag. These tests hold it exact on every path that
 * adds, removes, publishes or withdraws a tagged post.
 */

/** Tags whose stored count differs from the published links counted: none, when the triggers did their work. */
async function driftedTags(t: TestApp): Promise<unknown[]> {
  return t.app.database.prisma.$queryRaw`
    SELECT t.name, t.post_count AS stored, count(l.post_id)::int AS counted
    FROM tags t LEFT JOIN post_tags l ON l.tag_id = t.id AND l.published_at IS NOT NULL
    GROUP BY t.id HAVING t.post_count <> count(l.post_id)`;
}

const COUNTS = `query($a: String!, $b: String!) {
  a: tag(name: $a) { postCount posts(first: 1) { totalCount } }
  b: tag(name: $b) { postCount posts(first: 1) { totalCount } }
}`;

describe.each(testDatabaseKinds)("a tag's post count on %s", (kind) => {
  const app = useTestApp(kind);

  it("stays exact when tagged posts are published, retagged, withdrawn, deleted, and changed by bulk SQL", async () => {
    const t = app.current;
    const [writer, admin] = [await signUp(t), await signUp(t)];
    const prisma = t.app.database.prisma;
    await prisma.user.update({ where: { handle: admin.handle }, data: { role: "ADMIN" } });
    const [a, b] = [unique("counta").toLowerCase(), unique("countb").toLowerCase()];
    const counts = async () => {
      expect(await driftedTags(t)).toEqual([]);
      const response = await t.graphql(COUNTS, { token: writer.token, variables: { a, b } });
      expectNoErrors(response);
      const of = (tag: { postCount: number; posts: { totalCount: number } } | null) => {
        if (!tag) return null;
        expect(tag.posts.totalCount).toBe(tag.postCount);
        return tag.postCount;
      };
      return [of(response.body.data!.a), of(response.body.data!.b)];
    };
    const mutate = async (user: TestUser, mutation: string, variables: Record<string, unknown>) => expectNoErrors(await t.graphql(mutation, { token: user.token, variables }));

    const first = await createPost(t, writer, { tags: [a, b], publish: false });
    expect(await counts()).toEqual([0, 0]);
    await mutate(writer, `mutation($id: ID!) { publishPost(id: $id) { id } }`, { id: first.id });
    expect(await counts()).toEqual([1, 1]);
    // A tag on no post is answered like one that does not exist (null), its count kept all the same.
    await mutate(writer, `mutation($input: UpdatePostInput!) { updatePost(input: $input) { id } }`, { input: { id: first.id, tags: [b] } });
    expect(await counts()).toEqual([null, 1]);
    const second = await createPost(t, writer, { tags: [a, b] });
    expect(await counts()).toEqual([1, 2]);
    await mutate(admin, `mutation($ids: [ID!]!) { unpublishPosts(ids: $ids) { affectedCount } }`, { ids: [first.id] });
    expect(await counts()).toEqual([1, 1]);
    await mutate(writer, `mutation($id: ID!) { deletePost(id: $id) }`, { id: second.id });
    expect(await counts()).toEqual([null, 0]);
    // Written past the API, as a script or a restore would: the triggers still keep the count.
    await prisma.$executeRaw`UPDATE posts SET status = 'PUBLISHED', published_at = now() WHERE slug = ${first.slug}`;
    expect(await counts()).toEqual([null, 1]);
    await prisma.$executeRaw`DELETE FROM tags WHERE name = ${a}`;
    await prisma.$executeRaw`DELETE FROM posts WHERE slug = ${first.slug}`;
    expect(await driftedTags(t)).toEqual([]);
  });

  it("reads the count from the tag's row: the same rows for a tag with 3 posts as with 3,000", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const prisma = t.app.database.prisma;
    const authorId = (await prisma.user.findUniqueOrThrow({ where: { handle: writer.handle }, select: { id: true } })).id;
    const tagOf = async (size: number) => {
      const name = unique(`size${size}`).toLowerCase();
      const [tag] = await prisma.$queryRaw<{ id: number }[]>`INSERT INTO tags (name) VALUES (${name}) RETURNING id`;
      await prisma.$executeRaw`
        INSERT INTO posts (author_id, title, slug, body, status, published_at, created_at, updated_at)
        SELECT ${authorId}, 'Post ' || g, ${name.replace(/[^a-z0-9]+/g, "-")} || '-' || g, 'Body', 'PUBLISHED', now(), now(), now()
        FROM generate_series(1, ${size}::int) AS g`;
      await prisma.$executeRaw`INSERT INTO post_tags (post_id, tag_id) SELECT id, ${tag!.id} FROM posts WHERE slug LIKE ${`${name.replace(/[^a-z0-9]+/g, "-")}-%`}`;
      return name;
    };
    const read = async (name: string) => {
      const response = await t.graphql(`query($n: String!) { tag(name: $n) { postCount posts(first: 1) { totalCount } } }`, { variables: { n: name } });
      expectNoErrors(response);
      const count = response.log.find((statement) => /AS "count"/.test(statement.sql))!;
      return { counts: [response.body.data!.tag.postCount, response.body.data!.tag.posts.totalCount], statements: response.log.length, rows: await rowsReadAsRun(t, response, count) };
    };
    const [small, big] = [await read(await tagOf(3)), await read(await tagOf(3_000))];
    expect(small.counts).toEqual([3, 3]);
    expect(big.counts).toEqual([3_000, 3_000]);
    // The tag with its first page read ahead, then the count: the parent key and the tag's row.
    expect(big.statements).toBe(small.statements);
    expect(big.rows).toBe(small.rows);
    expect(big.rows).toBeLessThanOrEqual(2);
  });
});

// PGlite runs one statement at a time, so only PostgreSQL can show a race.
describe.runIf(testDatabaseKinds.includes("postgres"))("a tag's post count under concurrent publishes on PostgreSQL", () => {
  const app = useTestApp("postgres");

  it("counts twelve posts published at once with the same two tags, without a deadlock", async () => {
    const t = app.current;
    const [a, b] = [unique("racea").toLowerCase(), unique("raceb").toLowerCase()];
    const writers = await Promise.all(Array.from({ length: 12 }, () => signUp(t)));
    // Half name the tags one way round, half the other, so their links are written in both orders.
    const drafts = await Promise.all(writers.map((writer, i) => createPost(t, writer, { tags: i % 2 ? [a, b] : [b, a], publish: false })));
    const logsBefore = t.logs.length;
    const responses = await Promise.all(
      drafts.map((draft, i) => t.graphql(`mutation($id: ID!) { publishPost(id: $id) { id } }`, { token: writers[i]!.token, variables: { id: draft.id } })),
    );
    for (const response of responses) expectNoErrors(response);
    expect(t.logs.slice(logsBefore).filter((line) => line.message === "unit of work retried")).toEqual([]);
    const tags = await t.app.database.prisma.tag.findMany({ where: { name: { in: [a, b] } }, select: { postCount: true } });
    expect(tags).toEqual([{ postCount: 12 }, { postCount: 12 }]);
    expect(await driftedTags(t)).toEqual([]);
  });
});
