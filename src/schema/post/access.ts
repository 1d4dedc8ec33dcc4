import type { Viewer } from "../../auth/tokens.js";
import { Prisma, type PostStatus } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../read/model.js";

/**
 * The post domain's access rules, each written once.
 *
 * Which posts a viewer may see is one decision, `postVisibility`: admins
 * see every post, a signed-in viewer the published ones and their own
 * drafts, everyone else the published ones. Every form a read path needs is
 * derived from that decision here: a Prisma filter (loaders, services), a
 * SQL condition (page sources, lookups, locks), a check of a row in memory
 * (node refetches), and the branches of an author's list. They are proven
 * to pick the same posts by test/post/access.test.ts. A post the viewer may
 * not see answers like one that does not exist, on every path.
 */
export type PostVisibility =
  | { readonly sees: "every post" }
  | { readonly sees: "published posts" }
  | { readonly sees: "published posts and their own"; readonly authorId: number };

export function postVisibility(viewer: Viewer | null): PostVisibility {
  if (viewer?.role === "ADMIN") return { sees: "every post" };
  return viewer ? { sees: "published posts and their own", authorId: viewer.id } : { sees: "published posts" };
}

/** The rule as a Prisma filter, optionally narrowed to one status. */
export function visiblePosts(viewer: Viewer | null, status?: PostStatus | null): Prisma.PostWhereInput {
  const statusFilter: Prisma.PostWhereInput = status ? { status } : {};
  const rule = postVisibility(viewer);
  switch (rule.sees) {
    case "every post":
      return statusFilter;
    case "published posts":
      return status ? { AND: [{ status: "PUBLISHED" }, statusFilter] } : { status: "PUBLISHED" };
    case "published posts and their own": {
      const visible: Prisma.PostWhereInput = { OR: [{ status: "PUBLISHED" }, { authorId: rule.authorId }] };
      return status ? { AND: [visible, statusFilter] } : visible;
    }
  }
}

const publishedSql = (alias: string) => Prisma.sql`${columnRef(alias, "status")} = 'PUBLISHED'`;

/** The rule as a SQL condition on the posts row aliased `alias`. */
export function visiblePostSql(viewer: Viewer | null, alias: string): Prisma.Sql {
  const rule = postVisibility(viewer);
  const published = publishedSql(alias);
  switch (rule.sees) {
    case "every post":
      return Prisma.sql`TRUE`;
    case "published posts":
      return published;
    case "published posts and their own":
      return Prisma.sql`(${published} OR ${columnRef(alias, "author_id")} = ${rule.authorId})`;
  }
}

/** The rule for a row already in memory. */
export function isPostVisible(viewer: Viewer | null, post: { status: string; authorId: number }): boolean {
  const rule = postVisibility(viewer);
  switch (rule.sees) {
    case "every post":
      return true;
    case "published posts":
      return post.status === "PUBLISHED";
    case "published posts and their own":
      return post.status === "PUBLISHED" || post.authorId === rule.authorId;
  }
}

/**
 * The rule for the posts of one author (`author`, a SQL value: the parent
 * row's key), as mutually exclusive sets of conditions on the posts row
 * aliased `alias`, each guarded by a condition on `author` alone. Each set
 * walks one index: (author_id, created_at, id) when every status is
 * visible, (author_id, status, created_at, id) when only published ones are.
 */
export function visiblePostsOfAuthorSql(viewer: Viewer | null, author: Prisma.Sql, alias: string): Prisma.Sql[][] {
  const rule = postVisibility(viewer);
  const published = publishedSql(alias);
  switch (rule.sees) {
    case "every post":
      return [[]];
    case "published posts":
      return [[published]];
    case "published posts and their own":
      return [[Prisma.sql`${author} = ${rule.authorId}`], [Prisma.sql`${author} <> ${rule.authorId}`, published]];
  }
}

/** An author's stored counts (author_post_counts), by status; null for an author with no posts yet. */
export interface AuthorPostCounts {
  readonly published: number;
  readonly drafts: number;
}

const COUNT_COLUMNS: Record<PostStatus, keyof AuthorPostCounts> = { PUBLISHED: "published", DRAFT: "drafts" };

/** The statuses of an author's posts the rule shows, narrowed to `status` when one is given. */
function statusesShown(rule: PostVisibility, ownPosts: boolean, status: PostStatus | null | undefined): PostStatus[] {
  const shown: PostStatus[] = rule.sees === "every post" || ownPosts ? ["PUBLISHED", "DRAFT"] : ["PUBLISHED"];
  return status ? shown.filter((each) => each === status) : shown;
}

/**
 * The rule as a count of one author's posts, from their stored counts (in
 * memory): what the author's list, with `status` if given, holds for the
 * viewer.
 */
export function visiblePostCountOfAuthor(viewer: Viewer | null, authorId: number, counts: AuthorPostCounts | null, status?: PostStatus | null): number {
  const rule = postVisibility(viewer);
  const ownPosts = rule.sees === "published posts and their own" && rule.authorId === authorId;
  return statusesShown(rule, ownPosts, status).reduce((sum, each) => sum + (counts?.[COUNT_COLUMNS[each]] ?? 0), 0);
}

/**
 * The same count as SQL over the author_post_counts row aliased `alias`,
 * for the author `author` (a SQL value: the parent row's key).
 */
export function visiblePostCountOfAuthorSql(viewer: Viewer | null, author: Prisma.Sql, alias: string, status?: PostStatus | null): Prisma.Sql {
  const rule = postVisibility(viewer);
  const sum = (ownPosts: boolean) => {
    const columns = statusesShown(rule, ownPosts, status).map((each) => columnRef(alias, COUNT_COLUMNS[each]));
    return columns.length ? Prisma.join(columns, " + ") : Prisma.sql`0`;
  };
  if (rule.sees !== "published posts and their own") return sum(false);
  return Prisma.sql`CASE WHEN ${author} = ${rule.authorId} THEN ${sum(true)} ELSE ${sum(false)} END`;
}

/** Who may change or delete a post: its author, and admins. */
export function canEditPost(viewer: Viewer, post: { authorId: number }): boolean {
  return viewer.role === "ADMIN" || post.authorId === viewer.id;
}
