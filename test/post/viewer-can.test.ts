import { describe, expect, it } from "vitest";
import { makeAdmin } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, errorCodes, expectNoErrors, signUp } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

const CAN = `query($slug: String!) {
  post(slug: $slug) {
    viewerCanEdit viewerCanDelete viewerCanComment
    comments(first: 10) { edges { node { body viewerCanEdit viewerCanDelete viewerCanComment } } }
  }
}`;

describe.each(testDatabaseKinds)("what the viewer may do, on %s", (kind) => {
  const app = useTestApp(kind);

  it("answers each viewer with the rule the mutation checks, and the mutations agree", async () => {
    const t = app.current;
    const [author, commenter, stranger, admin] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    const post = await createPost(t, author);
    await addComment(t, commenter, post.id, "First.");
    const draft = await createPost(t, author, { publish: false });

    const as = async (token?: string, slug = post.slug) => {
      const response = await t.graphql(CAN, { token, variables: { slug } });
      expectNoErrors(response);
      return response.body.data!.post;
    };
    const comment = (edit: boolean, del: boolean, comment: boolean) => ({ edges: [{ node: { body: "First.", viewerCanEdit: edit, viewerCanDelete: del, viewerCanComment: comment } }] });
    expect(await as()).toEqual({ viewerCanEdit: false, viewerCanDelete: false, viewerCanComment: false, comments: comment(false, false, false) });
    expect(await as(stranger.token)).toEqual({ viewerCanEdit: false, viewerCanDelete: false, viewerCanComment: true, comments: comment(false, false, true) });
    expect(await as(commenter.token)).toEqual({ viewerCanEdit: false, viewerCanDelete: false, viewerCanComment: true, comments: comment(true, true, true) });
    // The post's author may delete others' comments on it, not edit them.
    expect(await as(author.token)).toEqual({ viewerCanEdit: true, viewerCanDelete: true, viewerCanComment: true, comments: comment(false, true, true) });
    expect(await as(admin.token)).toEqual({ viewerCanEdit: true, viewerCanDelete: true, viewerCanComment: true, comments: comment(true, true, true) });
    // A draft takes no comments, even from its author.
    expect(await as(author.token, draft.slug)).toMatchObject({ viewerCanEdit: true, viewerCanComment: false });

    // The mutations say the same: the stranger is refused what viewerCanEdit denies it.
    const update = await t.graphql(`mutation($id: ID!) { updatePost(input: { id: $id, title: "Mine now" }) { id } }`, { token: stranger.token, variables: { id: post.id } });
    expect(errorCodes(update)).toEqual(["FORBIDDEN"]);
    const onDraft = await t.graphql(`mutation($id: ID!) { addComment(input: { postId: $id, body: "Hi" }) { id } }`, { token: author.token, variables: { id: draft.id } });
    expect(errorCodes(onDraft)).toEqual(["BAD_USER_INPUT"]);
  });

  it("plans the comments' permission fields into the page's one statement, not a lookup per comment", async () => {
    const t = app.current;
    const [author, commenter] = [await signUp(t), await signUp(t)];
    const post = await createPost(t, author);
    for (let i = 0; i < 5; i += 1) await addComment(t, commenter, post.id, `Comment ${i}.`);
    const response = await t.graphql(CAN, { token: author.token, variables: { slug: post.slug } });
    expectNoErrors(response);
    expect(response.body.data!.post.comments.edges).toHaveLength(5);
    // The viewer, then the post with its comments page joined to it (each comment with its post's author and status).
    expect(response.statements).toHaveLength(2);
  });

  it("updateComment lets the author (and admins) rewrite a comment, and nobody else", async () => {
    const t = app.current;
    const [author, commenter, stranger] = [await signUp(t), await signUp(t), await signUp(t)];
    const post = await createPost(t, author);
    const id = await addComment(t, commenter, post.id, "Typo.");
    const UPDATE = `mutation($input: UpdateCommentInput!) { updateComment(input: $input) { body viewerCanEdit } }`;
    const mine = await t.graphql(UPDATE, { token: commenter.token, variables: { input: { id, body: "Fixed." } } });
    expect(mine.body.data).toEqual({ updateComment: { body: "Fixed.", viewerCanEdit: true } });
    expect(errorCodes(await t.graphql(UPDATE, { token: stranger.token, variables: { input: { id, body: "Hijacked." } } }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await t.graphql(UPDATE, { token: author.token, variables: { input: { id, body: "Edited by the post's author." } } }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await t.graphql(UPDATE, { token: commenter.token, variables: { input: { id, body: "   " } } }))).toEqual(["BAD_USER_INPUT"]);
    expect(errorCodes(await t.graphql(UPDATE, { variables: { input: { id, body: "Anon." } } }))).toEqual(["UNAUTHENTICATED"]);
    const stored = await t.app.database.prisma.comment.findFirstOrThrow({ where: { postId: Number(Buffer.from(post.id, "base64").toString().split(":")[1]) }, select: { body: true } });
    expect(stored.body).toBe("Fixed.");
  });
});
