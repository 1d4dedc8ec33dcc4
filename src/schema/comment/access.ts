import type { Viewer } from "../../auth/tokens.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../read/model.js";
import { postVisibility, visiblePostSql } from "../post/access.js";

/**
 * The comment domain's access rules, each written once. A comment is
 * visible exactly when its post is (src/schema/post/access.ts): comment
 * lists, lookups and writes filter through the post's rule.
 */

/** The rule as SQL, for the comment `alias` of a row source: its post is one the viewer can see; TRUE for whoever sees every post. */
export function visibleCommentSql(viewer: Viewer | null, alias: string): Prisma.Sql {
  if (postVisibility(viewer).sees === "every post") return Prisma.sql`TRUE`;
  return Prisma.sql`EXISTS (SELECT 1 FROM "posts" AS "q" WHERE "q"."id" = ${columnRef(alias, "post_id")} AND ${visiblePostSql(viewer, "q")})`;
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
