import { recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import type { MutationWork } from "../mutation-work.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../errors.js";
import { multiLineText, TEXT_LIMITS } from "../text.js";
import { visiblePostSql, visiblePosts } from "../post/access.js";
import { canDeleteComment, canEditComment } from "./access.js";

type CommentQuery = { include?: Prisma.CommentInclude; select?: Prisma.CommentSelect };


export async function addComment({ tx: db, viewer, announce }: MutationWork, postId: number, rawBody: string, query: CommentQuery = {}) {
  const body = multiLineText(rawBody, "input.body", "A comment", TEXT_LIMITS.commentBody);
  // The post must be one the viewer can see, and published. The lock keeps it
  // published until this transaction ends. It is the lock the comment-count
  // trigger's UPDATE of the post takes anyway (FOR NO KEY UPDATE): with FOR
  // SHARE, two comments on one post each held a share lock and then both
  // waited to update the row, a deadlock PostgreSQL broke after a second.
  // Now the second commenter waits for the first to commit, then goes on.
  const [post] = await db.$queryRaw<{ status: string }[]>`
    SELECT "status"::text AS "status" FROM "posts"
    WHERE "id" = ${postId} AND ${visiblePostSql(viewer, "posts")} FOR NO KEY UPDATE`;
  if (!post) throw new NotFoundError("Post");
  if (post.status !== "PUBLISHED") throw new BadUserInputError("Drafts cannot be commented on.", "input.postId");
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
  announce({ kind: "commentAdded", postId, commentId: comment.id });
  return comment;
}

/** A comment's author (or an admin) rewrites its body; a comment on a post the viewer cannot see is NOT_FOUND. */
export async function updateComment(db: Db, viewer: Viewer, id: number, rawBody: string, query: CommentQuery = {}) {
  const body = multiLineText(rawBody, "input.body", "A comment", TEXT_LIMITS.commentBody);
  const comment = await db.comment.findFirst({ where: { id, post: visiblePosts(viewer) }, select: { authorId: true, postId: true } });
  if (!comment) throw new NotFoundError("Comment");
  if (!canEditComment(viewer, comment)) throw new ForbiddenError("Only the comment's author may change it.");
  const updated = await db.comment.update({ ...query, where: { id }, data: { body } });
  await recordAuditEvent(db, { actorId: viewer.id, action: "comment.update", entityType: "Comment", entityId: id, data: { postId: comment.postId } });
  return updated;
}

/** The comment's author, the post's author and admins may delete a comment. */
export async function deleteComment(db: Db, viewer: Viewer, id: number): Promise<void> {
  const comment = await db.comment.findFirst({
    where: { id, post: visiblePosts(viewer) },
    select: { authorId: true, postId: true, post: { select: { authorId: true } } },
  });
  if (!comment) throw new NotFoundError("Comment");
  if (!canDeleteComment(viewer, comment)) throw new ForbiddenError("Only the comment's author or the post's author may delete it.");
  await db.comment.delete({ where: { id }, select: { id: true } });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "comment.delete",
    entityType: "Comment",
    entityId: id,
    data: { postId: comment.postId },
  });
}
