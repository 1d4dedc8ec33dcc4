import { beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { rowsReadAsRun } from "../support/plans.js";
import { useTestApp } from "../support/test-app.js";

/**
 * The feed filtered by words (`posts(filter: { search })`) is in
 * publication order. Walking that order's index and testing every post
 * reads the whole table for words that no post has, and the GIN index reads
 * every match of words that most posts have; which is cheaper depends on
 * the words, so the statement is planned with them at every execution
 * (plannedPerExecution). Posts here have a vocabulary like prose, many
 * words each rare, so PostgreSQL's statistics can tell rare from common;
 * under the one generic plan, absent words walked all 20,000 posts.
 */
const POSTS = 20_000;

describe.each(testDatabaseKinds)("the feed's search filter on %s", (kind) => {
  const app = useTestApp(kind, { env: { DB_POOL_SIZE: "1" } });
  let rare: { slug: string };
  let word: string;

  beforeAll(async () => {
    const db = app.current.app.database.prisma;
    const author = await signUp(app.current);
    const authorId = Number(Buffer.from(author.id, "base64").toString().split(":")[1]);
    // Every post has "everyday" and twenty words of a 50,000-word vocabulary.
    await db.$executeRawUnsafe(
      `INSERT INTO "posts" ("author_id", "title", "slug", "body", "status", "published_at", "updated_at")
       SELECT ${authorId}, 'Prose ' || g, 'prose-' || g,
              'everyday ' || (SELECT string_agg('w' || floor(random() * 50000)::int, ' ') FROM generate_series(1, 20) WHERE g > 0),
              'PUBLISHED', now() - make_interval(secs => g), now()
       FROM generate_series(1, ${POSTS}) AS g`,
    );
    // The oldest post: the last one a walk in publication order reaches.
    word = unique("quokka").replace(/[^a-z]/g, "");
    rare = await createPost(app.current, author, { title: `About ${word}` });
    await db.$executeRawUnsafe(`UPDATE "posts" SET "published_at" = now() - interval '1 year' WHERE "slug" = '${rare.slug}'`);
    // VACUUM moves the new rows out of the GIN index's pending list into the index proper, as autovacuum would.
    await db.$executeRawUnsafe(`VACUUM ANALYZE "posts"`);
  }, 120_000);

  const feed = async (words: string) => {
    const response = await app.current.graphql(`query($s: String) { posts(first: 10, filter: { search: $s }) { edges { node { slug } } pageInfo { hasNextPage } } }`, {
      variables: { s: words },
    });
    expectNoErrors(response);
    const page = response.log.find((statement) => statement.sql.includes("websearch_to_tsquery"));
    expect(page).toBeDefined();
    return { posts: response.body.data!.posts, read: () => rowsReadAsRun(app.current, response, page!) };
  };

  it("reads about a page of rows for a word one post of 20,000 has, and for a word none has", async () => {
    const one = await feed(word);
    expect(one.posts).toEqual({ edges: [{ node: { slug: rare.slug } }], pageInfo: { hasNextPage: false } });
    expect(await one.read()).toBeLessThanOrEqual(20);
    const none = await feed(unique("absent").replace(/[^a-z]/g, ""));
    expect(none.posts.edges).toEqual([]);
    expect(await none.read()).toBeLessThanOrEqual(20);
  });

  it("reads about a page of rows for a word every post has", async () => {
    const every = await feed("everyday");
    expect(every.posts.edges).toHaveLength(10);
    expect(every.posts.pageInfo.hasNextPage).toBe(true);
    expect(await every.read()).toBeLessThanOrEqual(40);
  });
});
