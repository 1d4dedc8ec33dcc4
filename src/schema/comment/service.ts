import { recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../errors.js";
import { visiblePosts } from "../post/visibility.js";

type CommentQuery = { include?: Prisma.CommentInclude; select?: Prisma.CommentSelect };

const MAX_COMMENT = 10_000;

export async function addComment(db: Db, viewer: Viewer, postId: number, rawBody: string, query: CommentQuery = {}) {
  const body = rawBody.trim();
  if (!body) throw new BadUserInputError("A comment needs a body.", "input.body");
  if (body.length > MAX_COMMENT) throw new BadUserInputError(`A comment is at most ${MAX_COMMENT} characters.`, "input.body");
  const post = await db.post.findFirst({ where: { id: postId, AND: [visiblePosts(viewer)] }, select: { status: true } });
  if (!post) throw new NotFoundError("Post");
  if (post.status !== "PUBLISHED") throw new BadUserInputError("Drafts cannot be commented on.", "input.postId");
  // The counter moves in the same transaction as the row, so it is never off.
  await db.post.update({ where: { id: postId }, data: { commentCount: { increment: 1 } }, select: { id: true } });
  const comment = await db.comment.create({
    ...query,
    data: { body, post: { connect: { id: postId } }, author: { connect: { id: viewer.id } } },
  });
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
  await db.post.update({ where: { id: comment.postId }, data: { commentCount: { decrement: 1 } }, select: { id: true } });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "comment.delete",
    entityType: "Comment",
    entityId: id,
    data: { postId: comment.postId },
  });
}
