import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/** Counters stay exact on every path that removes rows, triggers included. */
describe.each(testDatabaseKinds)("denormalised counts on %s", (kind) => {
  const app = useTestApp(kind);

  it("keeps every post's comment count exact when a commenter's account is deleted", async () => {
    const [author, commenter, other] = [await signUp(app.current), await signUp(app.current), await signUp(app.current)];
    const posts = [await createPost(app.current, author), await createPost(app.current, author)];
    for (const post of posts) {
      await addComment(app.current, commenter, post.id, "going away");
      await addComment(app.current, other, post.id, "staying");
    }
    await addComment(app.current, commenter, posts[0]!.id, "twice");
    const prisma = app.current.app.database.prisma;
    await prisma.user.delete({ where: { handle: commenter.handle } });
    const rows = await prisma.post.findMany({
      where: { slug: { in: posts.map((post) => post.slug) } },
      select: { commentCount: true, _count: { select: { comments: true } } },
    });
    expect(rows.map((row) => row.commentCount)).toEqual([1, 1]);
    expect(rows.every((row) => row.commentCount === row._count.comments)).toBe(true);
  });
});

// PGlite runs one statement at a time, so only PostgreSQL can show a race.
describe.runIf(testDatabaseKinds.includes("postgres"))("races on PostgreSQL", () => {
  const app = useTestApp("postgres");

  it("lets eight concurrent posts introduce the same new tag, with one tag as the result", async () => {
    const writers = await Promise.all(Array.from({ length: 8 }, () => signUp(app.current)));
    const tag = unique("race");
    const responses = await Promise.all(
      writers.map((writer) =>
        app.current.graphql(`mutation($input: CreatePostInput!) { createPost(input: $input) { tags { name } } }`, {
          token: writer.token,
          variables: { input: { title: `Racing ${tag}`, body: "Same tag.", tags: [tag, `${tag}-b`] } },
        }),
      ),
    );
    for (const response of responses) expectNoErrors(response);
    expect(await app.current.app.database.prisma.tag.count({ where: { name: { startsWith: tag } } })).toBe(2);
    expect(await app.current.app.database.prisma.postTag.count({ where: { tag: { name: tag } } })).toBe(8);
  });

  it("takes sixteen concurrent comments on one post without a deadlock, each once", async () => {
    const [author, ...commenters] = await Promise.all(Array.from({ length: 17 }, () => signUp(app.current)));
    const post = await createPost(app.current, author!);
    const logsBefore = app.current.logs.length;
    const responses = await Promise.all(
      commenters.map((commenter, i) =>
        app.current.graphql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, {
          token: commenter.token,
          variables: { input: { postId: post.id, body: `At once #${i}` } },
        }),
      ),
    );
    for (const response of responses) expectNoErrors(response);
    // Each commenter waits for the one before on the post's row lock: no deadlock for PostgreSQL to break
    // (it did, after a second each, when the post was locked FOR SHARE and then updated by the count trigger).
    const retries = app.current.logs.slice(logsBefore).filter((line) => line.message === "unit of work retried");
    expect(retries).toEqual([]);
    const row = await app.current.app.database.prisma.post.findUniqueOrThrow({
      where: { slug: post.slug },
      select: { commentCount: true, _count: { select: { comments: true } } },
    });
    expect(row).toEqual({ commentCount: 16, _count: { comments: 16 } });
  });

  it("queues eight concurrent profile updates by one writer instead of deadlocking, each once", async () => {
    const writer = await signUp(app.current);
    const logsBefore = app.current.logs.length;
    const names = Array.from({ length: 8 }, (_, i) => `Renamed ${i}`);
    const responses = await Promise.all(
      names.map((name, i) =>
        app.current.graphql(`mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { name profile { bio } } }`, {
          token: writer.token,
          variables: { input: { name, bio: `Bio ${i}` } },
        }),
      ),
    );
    for (const [i, response] of responses.entries()) {
      expectNoErrors(response);
      expect(response.body.data!.updateProfile).toEqual({ name: names[i], profile: { bio: `Bio ${i}` } });
    }
    // Each unit locks the writer's row for update from its first statement, so the next one waits for its COMMIT.
    // Locked FOR SHARE, two of them held the row together, then each waited for the other to UPDATE it:
    // PostgreSQL broke that deadlock after a second (deadlock_timeout) and the loser ran again.
    const retries = app.current.logs.slice(logsBefore).filter((line) => line.message === "unit of work retried");
    expect(retries).toEqual([]);
    const prisma = app.current.app.database.prisma;
    const row = await prisma.user.findUniqueOrThrow({ where: { handle: writer.handle }, select: { id: true, name: true, profile: { select: { bio: true } } } });
    expect(names.indexOf(row.name)).toBe(Number(row.profile!.bio!.slice("Bio ".length)));
    expect(await prisma.auditEvent.count({ where: { actorId: row.id, action: "user.updateProfile" } })).toBe(8);
  });

  it("gives two posts with the same title at the same moment distinct slugs, not a CONFLICT", async () => {
    const writers = await Promise.all(Array.from({ length: 6 }, () => signUp(app.current)));
    const title = `Same ${unique("title")}`;
    const responses = await Promise.all(
      writers.map((writer) =>
        app.current.graphql(`mutation($input: CreatePostInput!) { createPost(input: $input) { slug } }`, {
          token: writer.token,
          variables: { input: { title, body: "Same title." } },
        }),
      ),
    );
    for (const response of responses) expectNoErrors(response);
    expect(new Set(responses.map((response) => response.body.data!.createPost.slug)).size).toBe(6);
  });
});
