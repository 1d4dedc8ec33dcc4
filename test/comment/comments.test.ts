import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, errorCodes, expectNoErrors, signUp } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/** The database id inside a global id. */
const rowIdOf = (globalId: string) => Number(Buffer.from(globalId, "base64").toString().split(":")[1]);

describe.each(testDatabaseKinds)("comments on %s", (kind) => {
  const app = useTestApp(kind);
  const commentCount = async (postId: string) =>
    (await app.current.graphql(`query($id: ID!) { node(id: $id) { ... on Post { commentCount comments(first: 10) { edges { node { body } } } } } }`, { variables: { id: postId } }))
      .body.data!.node;

  it("adds a comment and returns it with its author and post, keeping commentCount in step", async () => {
    const [author, reader] = [await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author);
    const response = await app.current.graphql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { body author { handle } post { slug commentCount } } }`,
      { token: reader.token, variables: { input: { postId: post.id, body: "  Lovely piece.  " } } },
    );
    expectNoErrors(response);
    expect(response.body.data!.addComment).toEqual({ body: "Lovely piece.", author: { handle: reader.handle }, post: { slug: post.slug, commentCount: 1 } });
    expect(await commentCount(post.id)).toEqual({ commentCount: 1, comments: { edges: [{ node: { body: "Lovely piece." } }] } });
  });

  it("writes a comment and its audit event in one statement and reads it back in one, all in the unit's transaction", async () => {
    const [author, reader] = [await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author);
    const response = await app.current.graphql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id body author { handle } } }`, {
      token: reader.token,
      variables: { input: { postId: post.id, body: "Counted." } },
    });
    expectNoErrors(response);
    expect(response.statements).toEqual([
      "BEGIN",
      expect.stringMatching(/FROM "users" WHERE .* FOR SHARE$/),
      expect.stringMatching(/FOR NO KEY UPDATE[\s\S]*INSERT INTO "comments"[\s\S]*INSERT INTO audit_events/),
      expect.stringMatching(/^SELECT [\s\S]* FROM "comments" AS "x"/),
      "COMMIT",
    ]);
    const id = rowIdOf(response.body.data!.addComment.id);
    const events = await app.current.app.database.prisma.auditEvent.findMany({ where: { entityType: "Comment", entityId: String(id) } });
    expect(events.map((event) => [event.action, event.data])).toEqual([["comment.create", { postId: rowIdOf(post.id) }]]);
  });

  it("does not count a comment as an edit of the post: updatedAt stays", async () => {
    const [author, reader] = [await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author);
    const updatedAt = async () => (await app.current.app.database.prisma.post.findUniqueOrThrow({ where: { slug: post.slug } })).updatedAt;
    const before = await updatedAt();
    const comment = await addComment(app.current, reader, post.id);
    await app.current.graphql(`mutation($id: ID!) { deleteComment(id: $id) }`, { token: reader.token, variables: { id: comment } });
    expect(await updatedAt()).toEqual(before);
  });

  it("refuses comments on drafts and on posts the viewer cannot see", async () => {
    const [author, reader] = [await signUp(app.current), await signUp(app.current)];
    const draft = await createPost(app.current, author, { publish: false });
    const add = `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`;
    const own = await app.current.graphql(add, { token: author.token, variables: { input: { postId: draft.id, body: "x" } } });
    expect(own.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.postId" } }]);
    const other = await app.current.graphql(add, { token: reader.token, variables: { input: { postId: draft.id, body: "x" } } });
    expect(errorCodes(other)).toEqual(["NOT_FOUND"]);
    const empty = await app.current.graphql(add, { token: reader.token, variables: { input: { postId: draft.id, body: "   " } } });
    expect(empty.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "input.body" } }]);
    const prisma = app.current.app.database.prisma;
    expect(await prisma.comment.count({ where: { post: { slug: draft.slug } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "comment.create", actorId: { in: [author, reader].map((user) => rowIdOf(user.id)) } } })).toBe(0);
  });

  it("may be deleted by its author or the post's author, not by anyone else", async () => {
    const [author, commenter, stranger] = [await signUp(app.current), await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author);
    const first = await addComment(app.current, commenter, post.id, "one");
    const second = await addComment(app.current, commenter, post.id, "two");
    const remove = `mutation($id: ID!) { deleteComment(id: $id) }`;

    expect(errorCodes(await app.current.graphql(remove, { token: stranger.token, variables: { id: first } }))).toEqual(["FORBIDDEN"]);
    expect((await app.current.graphql(remove, { token: commenter.token, variables: { id: first } })).body).toEqual({ data: { deleteComment: first } });
    expect((await app.current.graphql(remove, { token: author.token, variables: { id: second } })).body).toEqual({ data: { deleteComment: second } });
    expect(await commentCount(post.id)).toEqual({ commentCount: 0, comments: { edges: [] } });
    // Each deletion is audited with who did it: the commenter, then the post's author.
    const rowId = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;
    const audit = await app.current.app.database.prisma.auditEvent.findMany({
      where: { action: "comment.delete", entityType: "Comment", entityId: { in: [rowId(first), rowId(second)] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((event) => [event.entityId, event.actorId])).toEqual([
      [rowId(first), Number(rowId(commenter.id))],
      [rowId(second), Number(rowId(author.id))],
    ]);
  });

  it("lists a user's comments newest first", async () => {
    const [author, commenter] = [await signUp(app.current), await signUp(app.current)];
    const post = await createPost(app.current, author);
    for (const body of ["a", "b", "c"]) await addComment(app.current, commenter, post.id, body);
    const response = await app.current.graphql(`query($h: String!) { user(handle: $h) { comments(first: 2) { edges { node { body post { slug } } } pageInfo { hasNextPage } } } }`, {
      variables: { h: commenter.handle },
    });
    expect(response.body.data!.user.comments).toEqual({
      edges: [{ node: { body: "c", post: { slug: post.slug } } }, { node: { body: "b", post: { slug: post.slug } } }],
      pageInfo: { hasNextPage: true },
    });
  });
});

/**
 * A user's comments are counted over their index, not kept by a trigger
 * (see the README: a per-commenter row would serialise a writer's
 * comments), so the count costs what the user has written: it takes a turn
 * of the instance's costly reads, like a search, and past the turns and
 * the wait it is answered DATABASE_BUSY at once while counts that triggers
 * keep go on. The turns are held here by reads the test finishes when it
 * likes, so what is refused does not depend on timing.
 */
describe.each(testDatabaseKinds)("a user's comment count when the costly reads are busy, on %s", (kind) => {
  const app = useTestApp(kind, { env: { COSTLY_READS_AT_ONCE: "1", COSTLY_READS_WAITING: "1" } });

  it("refuses the count with DATABASE_BUSY before its statement while every turn is taken, answers counts triggers keep, and counts once a turn is free", async () => {
    const t = app.current;
    const [writer, commenter] = [await signUp(t), await signUp(t)];
    const post = await createPost(t, writer);
    await addComment(t, commenter, post.id);
    await addComment(t, commenter, post.id);
    const COUNT = `query($h: String!) { user(handle: $h) { comments(first: 1) { totalCount } } }`;
    // One read running and one waiting: every turn is taken.
    const finishers: Array<() => void> = [];
    const held = [0, 1].map(() => t.app.services.costlyReads.run(() => new Promise<void>((resolve) => finishers.push(resolve))));
    try {
      const refused = await t.graphql(COUNT, { variables: { h: commenter.handle } });
      expect(refused.body.errors).toMatchObject([{ path: ["user", "comments", "totalCount"], extensions: { code: "DATABASE_BUSY" } }]);
      // Refused before its statement: the lookup ran, the count did not.
      expect(refused.statements.length).toBeGreaterThan(0);
      expect(refused.statements.some((sql) => sql.includes('AS "count"'))).toBe(false);
      const stored = await t.graphql(`query($h: String!) { user(handle: $h) { postCount posts(first: 1) { totalCount } } }`, { variables: { h: writer.handle } });
      expectNoErrors(stored);
      expect(stored.body.data!.user).toEqual({ postCount: 1, posts: { totalCount: 1 } });
    } finally {
      // The waiting read starts once the running one finishes, and is finished in its turn.
      let finished = false;
      const all = Promise.all(held).then(() => (finished = true));
      while (!finished) {
        while (finishers.length) finishers.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await all;
    }
    const counted = await t.graphql(COUNT, { variables: { h: commenter.handle } });
    expectNoErrors(counted);
    expect(counted.body.data!.user.comments.totalCount).toBe(2);
  });
});
