import { auditEventInsert, recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import type { MutationWork } from "../mutation-work.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../errors.js";
import { multiLineText, TEXT_LIMITS } from "../text.js";
import { visiblePostSql, visiblePosts } from "../post/access.js";
import { canDeleteComment, canEditComment } from "./access.js";

type CommentQuery = { include?: Prisma.CommentInclude; select?: Prisma.CommentSelect };


/**
 * Adds the viewer's comment to a post they can see and that is published;
 * returns the comment's id. One statement finds and locks the post, writes
 * the comment and appends its audit event: the comment and its event are
 * written only if the post qualifies, and the statement says which it was.
 */
export async function addComment({ sql, viewer, announce }: MutationWork, postId: number, rawBody: string): Promise<number> {
  const body = multiLineText(rawBody, "input.body", "A comment", TEXT_LIMITS.commentBody);
  // The lock keeps the post published until this transaction ends. It is the
  // lock the comment-count trigger's UPDATE of the post takes anyway (FOR NO
  // KEY UPDATE): with FOR SHARE, two comments on one post each held a share
  // lock and then both waited to update the row, a deadlock PostgreSQL broke
  // after a second. Now the second commenter waits for the first to commit.
  // Plain foreign keys: the constraints already guarantee both rows exist.
  const [found] = await sql.query<{ status: string; id: number | null }>(Prisma.sql`
    WITH "p" AS (
      SELECT "id", "status" FROM "posts" WHERE "id" = ${postId} AND ${visiblePostSql(viewer, "posts")} FOR NO KEY UPDATE
    ), "c" AS (
      INSERT INTO "comments" ("post_id", "author_id", "body")
      SELECT "p"."id", ${viewer.id}, ${body} FROM "p" WHERE "p"."status" = 'PUBLISHED'
      RETURNING "id"
    ), "a" AS (
      ${auditEventInsert({ actorId: viewer.id, action: "comment.create", entityType: "Comment", data: { postId } }, Prisma.sql`"c"."id"`, Prisma.sql`FROM "c"`)}
    )
    SELECT "p"."status"::text AS "status", "c"."id" FROM "p" LEFT JOIN "c" ON TRUE`);
  if (!found) throw new NotFoundError("Post");
  if (found.id === null) throw new BadUserInputError("Drafts cannot be commented on.", "input.postId");
  announce({ kind: "commentAdded", postId, commentId: found.id });
  return found.id;
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
