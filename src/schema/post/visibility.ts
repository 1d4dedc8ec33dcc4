import type { Viewer } from "../../auth/tokens.js";
import type { Prisma, PostStatus } from "../../db/generated/prisma/client.js";

/**
 * The one rule for which posts a viewer may see: published posts, their own
 * drafts, and everything for admins. Every read path (lists, lookups, node
 * refetches, counts, comments) filters through it.
 */
export function visiblePosts(viewer: Viewer | null, status?: PostStatus | null): Prisma.PostWhereInput {
  const statusFilter: Prisma.PostWhereInput = status ? { status } : {};
  if (viewer?.role === "ADMIN") return statusFilter;
  const visible: Prisma.PostWhereInput = viewer
    ? { OR: [{ status: "PUBLISHED" }, { authorId: viewer.id }] }
    : { status: "PUBLISHED" };
  return status ? { AND: [visible, statusFilter] } : visible;
}

/** The same rule as `visiblePosts`, for a row already in memory. */
export function isPostVisible(viewer: Viewer | null, post: { status: string; authorId: number }): boolean {
  return post.status === "PUBLISHED" || viewer?.role === "ADMIN" || (viewer !== null && post.authorId === viewer.id);
}

export function canEditPost(viewer: Viewer, post: { authorId: number }): boolean {
  return viewer.role === "ADMIN" || post.authorId === viewer.id;
}
