import { describe, expect, it } from "vitest";
import { topics } from "../../src/events/events.js";
import { usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, expectNoErrors, signUp } from "../support/fixtures.js";
import { heardWithin, subscribe } from "../support/subscriptions.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

const COMMENT_ADDED = `subscription Added($postId: ID!, $after: String) {
  commentAdded(postId: $postId, after: $after) { cursor node { id body author { handle } post { id commentCount } viewerCanEdit } }
}`;

interface Added {
  commentAdded: { cursor: string; node: { id: string; body: string; author: { handle: string }; post: { id: string; commentCount: number }; viewerCanEdit: boolean } };
}

/** The post's comments as a query pages them: ids and cursors, oldest first. */
async function commentsOf(t: TestApp, postId: string): Promise<{ id: string; cursor: string }[]> {
  const page = await t.graphql<{ node: { comments: { edges: { cursor: string; node: { id: string } }[] } } }>(
    `query Comments($id: ID!) { node(id: $id) { ... on Post { comments(first: 100) { edges { cursor node { id } } } } } }`,
    { variables: { id: postId } },
  );
  expectNoErrors(page);
  return page.body.data!.node.comments.edges.map((edge) => ({ id: edge.node.id, cursor: edge.cursor }));
}

/** Comments straight in the table, for lists longer than a test wants to write one request at a time. */
async function insertComments(t: TestApp, postId: string, authorId: string, count: number): Promise<void> {
  const id = (globalId: string) => Number(Buffer.from(globalId, "base64").toString().split(":")[1]);
  await t.app.database.prisma.comment.createMany({
    data: Array.from({ length: count }, (_, i) => ({ postId: id(postId), authorId: id(authorId), body: `Bulk ${i}.` })),
  });
}

describe.each(testDatabaseKinds)("commentAdded on %s", (kind) => {
  const app = useTestApp(kind);

  it("delivers each new comment as the post's comments list shows it, with a cursor of that list", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const reader = await signUp(t);
    const post = await createPost(t, writer);
    await addComment(t, writer, post.id, "Before the stream.");
    const stream = await subscribe<Added>(t, COMMENT_ADDED, { variables: { postId: post.id }, token: reader.token });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const first = await addComment(t, reader, post.id, "Mine.");
    const second = await addComment(t, writer, post.id, "Theirs.");
    const events = [await stream.next(), await stream.next()];
    stream.close();
    expect(events.map((event) => event.errors)).toEqual([undefined, undefined]);
    const delivered = events.map((event) => event.data!.commentAdded);
    expect(delivered.map((edge) => edge.node.id)).toEqual([first, second]);
    expect(delivered.map((edge) => [edge.node.body, edge.node.author.handle, edge.node.viewerCanEdit])).toEqual([
      ["Mine.", reader.handle, true],
      ["Theirs.", writer.handle, false],
    ]);
    // Read when the event was delivered: the first saw two comments, the second three.
    expect(delivered.map((edge) => edge.node.post.commentCount)).toEqual([2, 3]);
    // The cursors are the list's own: the list after the first delivered cursor starts at the second.
    const listed = await commentsOf(t, post.id);
    expect(listed.slice(1).map((edge) => edge.cursor)).toEqual(delivered.map((edge) => edge.cursor));
  });

  it("with `after`, replays what came after the cursor, pages of it, then goes on live: no gap, no repeat", async () => {
    const t = app.current;
    const [writer] = await usersWithTokens(t, 1);
    const post = await createPost(t, writer!);
    await insertComments(t, post.id, writer!.id, 5);
    const [, second] = await commentsOf(t, post.id);
    // 3 after the cursor, then 250 more: more than two pages of replay.
    await insertComments(t, post.id, writer!.id, 250);
    const stream = await subscribe<Added>(t, COMMENT_ADDED, { variables: { postId: post.id, after: second!.cursor } });
    const live = await addComment(t, writer!, post.id, "Live.");
    const received: string[] = [];
    while (received.length < 254) received.push((await stream.next()).data!.commentAdded.node.id);
    expect(await stream.collect(200)).toEqual([]);
    stream.close();
    const all = (await t.app.database.prisma.comment.findMany({ where: { post: { id: Number(Buffer.from(post.id, "base64").toString().split(":")[1]) } }, orderBy: { id: "asc" }, select: { id: true } })).map(
      (row) => Buffer.from(`Comment:${row.id}`).toString("base64"),
    );
    expect(received).toEqual(all.slice(2));
    expect(received.at(-1)).toBe(live);
  });

  it("loses and repeats nothing while comments are written as it starts", async () => {
    const t = app.current;
    const writers = await usersWithTokens(t, 4);
    const post = await createPost(t, writers[0]!);
    await addComment(t, writers[0]!, post.id, "Zero.");
    const [zero] = await commentsOf(t, post.id);
    // 4 writers, 10 comments each, running while the subscription starts and replays.
    const writing = Promise.all(writers.map(async (writer) => {
      for (let i = 0; i < 10; i += 1) await addComment(t, writer, post.id, `Comment ${i}.`);
    }));
    const stream = await subscribe<Added>(t, COMMENT_ADDED, { variables: { postId: post.id, after: zero!.cursor } });
    await writing;
    const received: string[] = [];
    while (received.length < 40) received.push((await stream.next()).data!.commentAdded.node.id);
    expect(await stream.collect(200)).toEqual([]);
    stream.close();
    expect(received).toEqual((await commentsOf(t, post.id)).slice(1).map((edge) => edge.id));
  });

  it("reads a new comment once for all of a post's subscribers on an instance", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const post = await createPost(t, writer);
    const readers = await usersWithTokens(t, 10);
    const streams = await Promise.all(readers.map((reader) => subscribe<Added>(t, COMMENT_ADDED, { variables: { postId: post.id }, token: reader.token })));
    // Statements sent by everything on the instance, as its metrics count them at the driver adapter.
    const sent = async () => Number((await (await t.fetch("/metrics")).text()).match(/^inkwell_sql_statement_duration_seconds_count (\d+)/m)![1]);
    const before = await sent();
    const added = await t.graphql<{ addComment: { id: string } }>(`mutation Add($input: AddCommentInput!) { addComment(input: $input) { id } }`, {
      token: writer.token,
      variables: { input: { postId: post.id, body: "For everyone." } },
    });
    const delivered = await Promise.all(streams.map((stream) => stream.next()));
    // The viewer-dependent field is each subscriber's own, from the one shared row.
    expect(delivered.map((event) => [event.data!.commentAdded.node.id, event.data!.commentAdded.node.viewerCanEdit])).toEqual(
      readers.map(() => [added.body.data!.addComment.id, false]),
    );
    const subscriptionStatements = (await sent()) - before - added.statements.length;
    expect(subscriptionStatements).toBe(1);
    for (const stream of streams) stream.close();
  });

  it("publishes nothing for a comment whose operation rolled back", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const post = await createPost(t, writer);
    const draft = await createPost(t, writer, { publish: false });
    const stream = await subscribe<Added>(t, COMMENT_ADDED, { variables: { postId: post.id } });
    const topic = topics.commentsOf(Number(Buffer.from(post.id, "base64").toString().split(":")[1]));
    const bus = t.app.services.events.listen([topic]);
    // The second root field fails (a draft takes no comment), so the first one's comment never commits.
    const failed = await t.graphql(
      `mutation Both($ok: AddCommentInput!, $bad: AddCommentInput!) { ok: addComment(input: $ok) { id } bad: addComment(input: $bad) { id } }`,
      { token: writer.token, variables: { ok: { postId: post.id, body: "Rolled back." }, bad: { postId: draft.id, body: "Refused." } } },
    );
    expect(failed.body.data).toBeNull();
    // Not even announced: the event was dropped with the transaction.
    expect(await heardWithin(bus, 300)).toEqual([]);
    bus.close();
    expect(await stream.collect(0)).toEqual([]);
    const busAgain = t.app.services.events.listen([topic]);
    const kept = await addComment(t, writer, post.id, "Kept.");
    expect((await stream.next()).data!.commentAdded.node.id).toBe(kept);
    expect((await heardWithin(busAgain, 300)).map((event) => event.kind)).toEqual(["commentAdded"]);
    busAgain.close();
    stream.close();
    expect(await t.app.database.prisma.comment.count({ where: { body: "Rolled back." } })).toBe(0);
  });

  it("answers a post the viewer may not see exactly as one that does not exist, and a foreign cursor as bad input", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const stranger = await signUp(t);
    const draft = await createPost(t, writer, { publish: false });
    const missing = Buffer.from("Post:987654321").toString("base64");
    const hidden = await subscribe(t, COMMENT_ADDED, { variables: { postId: draft.id }, token: stranger.token });
    const absent = await subscribe(t, COMMENT_ADDED, { variables: { postId: missing }, token: stranger.token });
    const [hiddenEvent, absentEvent] = [await hidden.next(), await absent.next()];
    await Promise.all([hidden.completed, absent.completed]);
    expect(hiddenEvent).toEqual(absentEvent);
    expect(hiddenEvent.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    // The author sees their draft, so they may subscribe to it.
    const own = await subscribe(t, COMMENT_ADDED, { variables: { postId: draft.id }, token: writer.token });
    expect(await own.collect(100)).toEqual([]);
    own.close();

    const other = await createPost(t, writer);
    await addComment(t, writer, other.id);
    const [foreign] = await commentsOf(t, other.id);
    const published = await createPost(t, writer);
    const wrong = await subscribe(t, COMMENT_ADDED, { variables: { postId: published.id, after: foreign!.cursor } });
    const refused = await wrong.next();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });

  it("ends with NOT_FOUND, like a post that never was, when the post goes back to draft", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const post = await createPost(t, writer);
    const stream = await subscribe<Added>(t, COMMENT_ADDED, { variables: { postId: post.id } });
    const unpublished = await t.graphql(`mutation Hide($ids: [ID!]!) { unpublishPosts(ids: $ids) { affectedCount } }`, {
      token: admin!.token,
      variables: { ids: [post.id] },
    });
    expectNoErrors(unpublished);
    const last = await stream.next();
    expect(last.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([["NOT_FOUND", "Post was not found."]]);
    await stream.completed;
  });
});
