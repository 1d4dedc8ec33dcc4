import type { Viewer } from "../../auth/tokens.js";
import { Prisma, type PostStatus } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../db/sql/model.js";

/**
 * The one rule for which posts a viewer may see: published posts, their own
 * drafts, and everything for admins. Every read path (lists, lookups, node
 * refetches, counts, comments) filters through it: as a Prisma filter here,
 * and as SQL over a posts row for the paged lists (`visiblePostSql`).
 */
export function visiblePosts(viewer: Viewer | null, status?: PostStatus | null): Prisma.PostWhereInput {
  const statusFilter: Prisma.PostWhereInput = status ? { status } : {};
  if (viewer?.role === "ADMIN") return statusFilter;
  const visible: Prisma.PostWhereInput = viewer
    ? { OR: [{ status: "PUBLISHED" }, { authorId: viewer.id }] }
    : { status: "PUBLISHED" };
  return status ? { AND: [visible, statusFilter] } : visible;
}

/** `visiblePosts` as a SQL condition on the posts row aliased `alias`. */
export function visiblePostSql(viewer: Viewer | null, alias: string): Prisma.Sql {
  if (viewer?.role === "ADMIN") return Prisma.sql`TRUE`;
  const published = Prisma.sql`${columnRef(alias, "status")} = 'PUBLISHED'`;
  return viewer ? Prisma.sql`(${published} OR ${columnRef(alias, "author_id")} = ${viewer.id})` : published;
}

/** The same rule as `visiblePosts`, for a row already in memory. */
export function isPostVisible(viewer: Viewer | null, post: { status: string; authorId: number }): boolean {
  return post.status === "PUBLISHED" || viewer?.role === "ADMIN" || (viewer !== null && post.authorId === viewer.id);
}

export function canEditPost(viewer: Viewer, post: { authorId: number }): boolean {
  return viewer.role === "ADMIN" || post.authorId === viewer.id;
}

/** Comments go on published posts, by signed-in viewers (addComment's rule). */
export function canCommentOn(viewer: Viewer | null, post: { status: string }): boolean {
  return viewer !== null && post.status === "PUBLISHED";
}

/** A comment's author edits it (updateComment); admins may too. */
export function canEditComment(viewer: Viewer | null, comment: { authorId: number }): boolean {
  return viewer !== null && (viewer.role === "ADMIN" || comment.authorId === viewer.id);
}

/** The comment's author, the post's author and admins may delete a comment (deleteComment's rule). */
export function canDeleteComment(viewer: Viewer | null, comment: { authorId: number; post: { authorId: number } }): boolean {
  return viewer !== null && (viewer.role === "ADMIN" || comment.authorId === viewer.id || comment.post.authorId === viewer.id);
}
