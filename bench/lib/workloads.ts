import { formatPrismaCursor } from "@pothos/plugin-prisma";
import { encodeGlobalID } from "@pothos/plugin-relay";

/** The API a system speaks: Inkwell's own shape (Inkwell, naive, ceiling) or PostGraphile's. */
export type Dialect = "inkwell" | "postgraphile";
export type WorkloadName = "W0" | "W1" | "W2" | "W3";

export const QUERIES: Record<Dialect, Partial<Record<WorkloadName, string>>> = {
  inkwell: {
    W0: `query W0 { __typename }`,
    W1: `query W1($after: String) { users(first: 10, after: $after) { edges { node { handle
      posts(first: 5) { edges { node { title comments(first: 5) { edges { node { body author { handle } } } } } } } } } } }`,
    W2: `query W2($after: String) { posts(first: 20, after: $after) { edges { node { title author { handle } tags { name } } } } }`,
    W3: `mutation W3($input: AddCommentInput!) { addComment(input: $input) { body author { handle } } }`,
  },
  postgraphile: {
    W0: `query W0 { __typename }`,
    W1: `query W1($after: Cursor) { allUsers(first: 10, after: $after, orderBy: PRIMARY_KEY_ASC) { edges { node { handle
      postsByAuthorId(first: 5, orderBy: [CREATED_AT_DESC, ID_DESC], condition: { status: PUBLISHED }) { edges { node { title
        commentsByPostId(first: 5, orderBy: PRIMARY_KEY_ASC) { edges { node { body userByAuthorId { handle } } } } } } } } } } }`,
    W2: `query W2($after: Cursor) { allPosts(first: 20, after: $after, orderBy: [PUBLISHED_AT_DESC, ID_DESC], condition: { status: PUBLISHED }) {
      edges { node { title userByAuthorId { handle } _postToTagsByA { nodes { tagByB { name } } } } } } }`,
  },
};

/**
 * The answers in one shape, so systems with different APIs can be checked
 * for returning the same data before anything is timed.
 */
export function normalize(workload: WorkloadName, dialect: Dialect, body: any): unknown {
  const data = body?.data;
  if (!data) return { errors: body?.errors ?? body };
  if (workload === "W0") return data.__typename;
  if (workload === "W1") {
    const users = dialect === "inkwell" ? data.users.edges : data.allUsers.edges;
    return users.map(({ node: user }: any) => ({
      handle: user.handle,
      posts: (dialect === "inkwell" ? user.posts.edges : user.postsByAuthorId.edges).map(({ node: post }: any) => ({
        title: post.title,
        comments: (dialect === "inkwell" ? post.comments.edges : post.commentsByPostId.edges).map(({ node: c }: any) => [
          c.body,
          dialect === "inkwell" ? c.author.handle : c.userByAuthorId.handle,
        ]),
      })),
    }));
  }
  if (workload === "W2") {
    const posts = dialect === "inkwell" ? data.posts.edges : data.allPosts.edges;
    return posts.map(({ node: post }: any) => ({
      title: post.title,
      author: dialect === "inkwell" ? post.author.handle : post.userByAuthorId.handle,
      tags: (dialect === "inkwell" ? post.tags.map((tag: any) => tag.name) : post._postToTagsByA.nodes.map((link: any) => link.tagByB.name)).sort(),
    }));
  }
  return { body: data.addComment.body.replace(/#\d+$/, ""), author: data.addComment.author.handle };
}

/** Deterministic random picks, so every system is asked the same sequence. */
export function picker(seed: number) {
  let state = seed >>> 0;
  return <T>(items: readonly T[]): T => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return items[state % items.length]!;
  };
}

export function inkwellCursor(id: number): string {
  return formatPrismaCursor({ id }, "id");
}

export function postGlobalId(id: number): string {
  return encodeGlobalID("Post", id);
}
