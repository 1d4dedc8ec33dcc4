import { formatPrismaCursor } from "@pothos/plugin-prisma";
import { encodeGlobalID } from "@pothos/plugin-relay";

/** The API a system speaks: Inkwell's own shape (Inkwell, naive, ceiling) or PostGraphile 4's or 5's. */
export type Dialect = "inkwell" | "postgraphile" | "postgraphile5";
export type WorkloadName = "W0" | "W1" | "W2" | "W3" | "W4" | "W5";
export type DatasetName = "standard" | "deep";

export const WORKLOADS: Record<WorkloadName, string> = {
  W0: "`{ __typename }`",
  W1: "`users(first: 10, after) → posts(first: 5) → comments(first: 5) → author`",
  W2: "`posts(first: 20, after)` with `author` and `tags`",
  W3: "`addComment`, signed in, with its audit event",
  W4: "`post(slug) → comments(first: 20, after) → author` on posts with 5,000 comments",
  W5: "`tag(name) → posts(first: 10) → author` on tags with 10,000 posts",
};

/**
 * What the two PostGraphile versions name differently: 5 calls a primary key
 * `rowId` (its `id` is a Node ID) and orders by `ROW_ID`; 4 says `id` and `ID`.
 */
export const PEER_NAMES = {
  postgraphile: { key: "id", keyOrder: "ID" },
  postgraphile5: { key: "rowId", keyOrder: "ROW_ID" },
} as const;

/** PostGraphile's queries for the workloads; 4 and 5 (Amber preset) share them but for the names above. */
function postgraphileQueries({ keyOrder }: { keyOrder: string }): Partial<Record<WorkloadName, string>> {
  return {
    W0: `query W0 { __typename }`,
    W1: `query W1($after: Cursor) { allUsers(first: 10, after: $after, orderBy: PRIMARY_KEY_ASC) { edges { node { handle
      postsByAuthorId(first: 5, orderBy: [CREATED_AT_DESC, ${keyOrder}_DESC], condition: { status: PUBLISHED }) { edges { node { title
        commentsByPostId(first: 5, orderBy: PRIMARY_KEY_ASC) { edges { node { body userByAuthorId { handle } } } } } } } } } } }`,
    W2: `query W2($after: Cursor) { allPosts(first: 20, after: $after, orderBy: [PUBLISHED_AT_DESC, ${keyOrder}_DESC], condition: { status: PUBLISHED }) {
      edges { node { title userByAuthorId { handle } postTagsByPostId { nodes { tagByTagId { name } } } } } } }`,
    // Prisma makes unique indexes, not unique constraints, so PostGraphile has no postBySlug or
    // tagByName: the lookups are conditions on the lists, which return the one row.
    W4: `query W4($slug: String!, $after: Cursor) { allPosts(condition: { slug: $slug, status: PUBLISHED }) { nodes {
      commentsByPostId(first: 20, after: $after, orderBy: PRIMARY_KEY_ASC) { edges { node { body userByAuthorId { handle } } } } } } }`,
    // Every seeded post is published, so the link's published_at is never null here (PostGraphile's
    // conditions cannot say IS NOT NULL without a plugin).
    W5: `query W5($name: String!) { allTags(condition: { name: $name }) { nodes {
      postTagsByTagId(first: 10, orderBy: [PUBLISHED_AT_DESC, POST_ID_DESC]) { nodes { postByPostId { title userByAuthorId { handle } } } } } } }`,
  };
}

export const QUERIES: Record<Dialect, Partial<Record<WorkloadName, string>>> = {
  inkwell: {
    W0: `query W0 { __typename }`,
    W1: `query W1($after: String) { users(first: 10, after: $after) { edges { node { handle
      posts(first: 5) { edges { node { title comments(first: 5) { edges { node { body author { handle } } } } } } } } } } }`,
    W2: `query W2($after: String) { posts(first: 20, after: $after) { edges { node { title author { handle } tags { name } } } } }`,
    W3: `mutation W3($input: AddCommentInput!) { addComment(input: $input) { body author { handle } } }`,
    W4: `query W4($slug: String!, $after: String) { post(slug: $slug) { comments(first: 20, after: $after) {
      edges { node { body author { handle } } } } } }`,
    W5: `query W5($name: String!) { tag(name: $name) { posts(first: 10) { edges { node { title author { handle } } } } } }`,
  },
  postgraphile: postgraphileQueries(PEER_NAMES.postgraphile),
  postgraphile5: postgraphileQueries(PEER_NAMES.postgraphile5),
};

/**
 * The answers in one shape, so systems with different APIs can be checked
 * for returning the same data before anything is timed.
 */
export function normalize(workload: WorkloadName, dialect: Dialect, body: any): unknown {
  const data = body?.data;
  if (!data) return { errors: body?.errors ?? body };
  const ink = dialect === "inkwell";
  const comments = (connection: any) =>
    connection.edges.map(({ node: c }: any) => [c.body, ink ? c.author.handle : c.userByAuthorId.handle]);
  switch (workload) {
    case "W0":
      return data.__typename;
    case "W1":
      return (ink ? data.users.edges : data.allUsers.edges).map(({ node: user }: any) => ({
        handle: user.handle,
        posts: (ink ? user.posts.edges : user.postsByAuthorId.edges).map(({ node: post }: any) => ({
          title: post.title,
          comments: comments(ink ? post.comments : post.commentsByPostId),
        })),
      }));
    case "W2":
      return (ink ? data.posts.edges : data.allPosts.edges).map(({ node: post }: any) => ({
        title: post.title,
        author: ink ? post.author.handle : post.userByAuthorId.handle,
        tags: (ink ? post.tags.map((tag: any) => tag.name) : post.postTagsByPostId.nodes.map((link: any) => link.tagByTagId.name)).sort(),
      }));
    case "W3":
      return { body: data.addComment.body.replace(/#\d+$/, ""), author: data.addComment.author.handle };
    case "W4":
      return comments(ink ? data.post.comments : data.allPosts.nodes[0].commentsByPostId);
    case "W5":
      return ink
        ? data.tag.posts.edges.map(({ node }: any) => [node.title, node.author.handle])
        : data.allTags.nodes[0].postTagsByTagId.nodes.map(({ postByPostId: post }: any) => [post.title, post.userByAuthorId.handle]);
  }
}

/** Deterministic random picks, so every system is asked the same sequence. */
export function picker(seed: number) {
  let state = seed >>> 0;
  return <T>(items: readonly T[]): T => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return items[state % items.length]!;
  };
}

/** The cursor the naive server and the ceiling accept: a row id, as plugin-prisma formats it. */
export function idCursor(id: number): string {
  return formatPrismaCursor({ id }, "id");
}

export function postGlobalId(id: number): string {
  return encodeGlobalID("Post", id);
}
