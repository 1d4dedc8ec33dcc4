import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, expectNoErrors, signUp, unique, type TestUser } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * The rule: for a thing the viewer may not see, every path answers exactly
 * as it does for a thing that does not exist. A draft (and a tag used only
 * on drafts) is created and then looked for along every path that can
 * reach a post, a tag or a comment: by id (`node`, `nodes`), by slug or
 * name, in every list and filter, in every count, and through every
 * mutation that takes an id. Lists and counts must not change at all;
 * direct addresses must answer as an address of nothing does.
 */
const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString("base64");
const NOWHERE = 2_000_000_000;

describe.each(testDatabaseKinds)("visibility matrix on %s", (kind) => {
  const app = useTestApp(kind);

  /** Every list, filter and count that could reveal a draft, as seen by `viewer`. */
  async function lists(t: TestApp, author: TestUser, hidden: { tag: string; word: string }, viewer?: TestUser) {
    const probes = {
      feed: `{ posts(first: 100) { edges { cursor node { id title tags { name } } } pageInfo { hasNextPage endCursor } } }`,
      byAuthor: `{ posts(first: 100, filter: { authorHandle: "${author.handle}" }) { edges { cursor node { id } } } }`,
      byHiddenTag: `{ posts(first: 100, filter: { tag: "${hidden.tag}" }) { edges { node { id } } } }`,
      bySearch: `{ posts(first: 100, filter: { search: "${hidden.word}" }) { edges { node { id } } } }`,
      oldestFirst: `{ posts(last: 100, orderBy: OLDEST) { edges { cursor node { id } } } }`,
      profile: `{ user(handle: "${author.handle}") { postCount posts(first: 100) { edges { cursor node { id } } } drafts: posts(status: DRAFT) { edges { node { id } } } comments(first: 100) { edges { node { id } } } } }`,
      tags: `{ tags(first: 100) { edges { cursor node { id name postCount } } } }`,
      hiddenTag: `{ tag(name: "${hidden.tag}") { id postCount } }`,
      sharedTag: `{ tag(name: "shared") { postCount posts(first: 100) { edges { cursor node { id } } } } }`,
      users: `{ users(first: 100, search: "${author.handle}") { edges { node { handle postCount } } } }`,
    };
    const answers: Record<string, unknown> = {};
    for (const [name, query] of Object.entries(probes)) {
      const response = await t.graphql(query, { token: viewer?.token });
      expectNoErrors(response);
      answers[name] = response.body;
    }
    return answers;
  }

  it("lists, filters and counts do not change when a draft and a draft-only tag appear", async () => {
    const t = app.current;
    const [author, stranger] = [await signUp(t), await signUp(t)];
    const hidden = { tag: unique("secret"), word: unique("Zyzzyva") };
    const published = await createPost(t, author, { tags: ["shared"] });
    await addComment(t, stranger, published.id, "A visible comment.");

    const before = { anonymous: await lists(t, author, hidden), stranger: await lists(t, author, hidden, stranger) };
    const draft = await createPost(t, author, { title: `About ${hidden.word}`, body: hidden.word, tags: [hidden.tag, "shared"], publish: false });
    const after = { anonymous: await lists(t, author, hidden), stranger: await lists(t, author, hidden, stranger) };
    expect(after).toEqual(before);

    // The author does see it, so the probes can see drafts at all.
    const own = await t.graphql(`{ viewer { postCount posts(first: 100) { edges { node { id } } } } }`, { token: author.token });
    expect(JSON.stringify(own.body)).toContain(draft.id);
  });

  it("answers a draft, a draft-only tag and a deleted comment by address exactly as nothing", async () => {
    const t = app.current;
    const [author, stranger] = [await signUp(t), await signUp(t)];
    const secretTag = unique("secret");
    const draft = await createPost(t, author, { tags: [secretTag], publish: false });
    const published = await createPost(t, author);
    const comment = await addComment(t, stranger, published.id, "Soon gone.");
    expectNoErrors(await t.graphql(`mutation($id: ID!) { deleteComment(id: $id) }`, { token: stranger.token, variables: { id: comment } }));
    const tagRow = await t.app.database.prisma.tag.findUniqueOrThrow({ where: { name: secretTag } });

    const pairs: Array<[string, string, string]> = [
      ["a draft post", draft.id, globalId("Post", NOWHERE)],
      ["a draft-only tag", globalId("Tag", tagRow.id), globalId("Tag", NOWHERE)],
      ["a deleted comment", comment, globalId("Comment", NOWHERE)],
    ];
    for (const viewer of [undefined, stranger]) {
      for (const [what, hiddenId, missingId] of pairs) {
        const ask = async (query: string, variables: Record<string, unknown>) => (await t.graphql(query, { token: viewer?.token, variables })).body;
        const node = `query($id: ID!) { node(id: $id) { id } }`;
        expect(await ask(node, { id: hiddenId }), what).toEqual(await ask(node, { id: missingId }));
        expect(await ask(node, { id: hiddenId }), what).toEqual({ data: { node: null } });
        const nodes = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
        expect(await ask(nodes, { ids: [hiddenId, missingId] }), what).toEqual({ data: { nodes: [null, null] } });
      }
      const bySlug = `query($slug: String!) { post(slug: $slug) { id } }`;
      const slugAsk = async (slug: string) => (await t.graphql(bySlug, { token: viewer?.token, variables: { slug } })).body;
      expect(await slugAsk(draft.slug)).toEqual(await slugAsk(`${draft.slug}0`));
      const byName = `query($name: String!) { tag(name: $name) { id } }`;
      const nameAsk = async (name: string) => (await t.graphql(byName, { token: viewer?.token, variables: { name } })).body;
      expect(await nameAsk(secretTag)).toEqual(await nameAsk(unique("nothing")));
    }
  });

  it("answers every mutation on someone else's draft exactly as on a post that does not exist", async () => {
    const t = app.current;
    const [author, stranger] = [await signUp(t), await signUp(t)];
    const draft = await createPost(t, author, { publish: false });
    const missing = globalId("Post", NOWHERE);
    const mutations: Array<[string, (id: string) => Record<string, unknown>]> = [
      [`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, (id) => ({ input: { postId: id, body: "Hello?" } })],
      [`mutation($input: UpdatePostInput!) { updatePost(input: $input) { id } }`, (id) => ({ input: { id, title: "Taken over" } })],
      [`mutation($id: ID!) { publishPost(id: $id) { id } }`, (id) => ({ id })],
      [`mutation($id: ID!) { deletePost(id: $id) }`, (id) => ({ id })],
    ];
    for (const [mutation, variables] of mutations) {
      const onDraft = await t.graphql(mutation, { token: stranger.token, variables: variables(draft.id) });
      const onNothing = await t.graphql(mutation, { token: stranger.token, variables: variables(missing) });
      expect(onDraft.status).toBe(onNothing.status);
      expect(onDraft.body, mutation).toEqual(onNothing.body);
      expect(onDraft.body.errors?.[0]?.extensions?.code, mutation).toBe("NOT_FOUND");
    }
    // And nothing happened to the draft.
    const own = await t.graphql(`query($id: ID!) { node(id: $id) { ... on Post { title status commentCount } } }`, { token: author.token, variables: { id: draft.id } });
    expect(own.body.data!.node).toMatchObject({ status: "DRAFT", commentCount: 0 });
    expect(own.body.data!.node.title).not.toBe("Taken over");
  });
});
