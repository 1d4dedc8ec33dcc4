import { recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../errors.js";
import { multiLineText, TEXT_LIMITS } from "../text.js";
import { visiblePosts } from "../post/visibility.js";

type CommentQuery = { include?: Prisma.CommentInclude; select?: Prisma.CommentSelect };


export async function addComment(db: Db, viewer: Viewer, postId: number, rawBody: string, query: CommentQuery = {}) {
  const body = multiLineText(rawBody, "input.body", "A comment", TEXT_LIMITS.commentBody);
  // Checks that the post takes comments and moves its counter in one
  // statement; the counter moves in the same transaction as the row, so it
  // is never off. Raw SQL because a counter is not an edit: Prisma's update
  // would also bump the post's updatedAt.
  const counted = await db.$executeRaw`
    UPDATE posts SET comment_count = comment_count + 1 WHERE id = ${postId} AND status = 'PUBLISHED'`;
  if (counted === 0) {
    const post = await db.post.findFirst({ where: { id: postId, AND: [visiblePosts(viewer)] }, select: { id: true } });
    if (!post) throw new NotFoundError("Post");
    throw new BadUserInputError("Drafts cannot be commented on.", "input.postId");
  }
  // Plain foreign keys, not `connect`: the constraints already guarantee
  // both rows exist, and connect would look each one up first.
  const comment = await db.comment.create({ ...query, data: { body, postId, authorId: viewer.id } });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "comment.create",
    entityType: "Comment",
    entityId: comment.id,
    data: { postId },
  });
  return comment;
}

/** The comment's author, the post's author and admins may delete a comment. */
export async function deleteComment(db: Db, viewer: Viewer, id: number): Promise<void> {
  const comment = await db.comment.findFirst({
    where: { id, post: visiblePosts(viewer) },
    select: { authorId: true, postId: true, post: { select: { authorId: true } } },
  });
  if (!comment) throw new NotFoundError("Comment");
  const allowed = viewer.role === "ADMIN" || comment.authorId === viewer.id || comment.post.authorId === viewer.id;
  if (!allowed) throw new ForbiddenError("Only the comment's author or the post's author may delete it.");
  await db.comment.delete({ where: { id }, select: { id: true } });
  await db.$executeRaw`UPDATE posts SET comment_count = comment_count - 1 WHERE id = ${comment.postId}`;
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "comment.delete",
    entityType: "Comment",
    entityId: id,
    data: { postId: comment.postId },
  });
}
