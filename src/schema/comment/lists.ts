import { Prisma } from "../../db/generated/prisma/client.js";
import { sortKey } from "../../read/keyset.js";
import type { RowSource } from "../../read/lookup.js";
import type { PageSource } from "../../read/page-query.js";
import { visibleCommentSql } from "./access.js";

/**
 * The paged lists of comments (see src/read/page-query.ts), each read
 * through an index in its own order: comments_post_id_id_idx and
 * comments_author_id_id_idx.
 */

const ID_ASC = [sortKey(Prisma.raw('"x"."id"'), "asc", "int")] as const;
const ID_DESC = [sortKey(Prisma.raw('"x"."id"'), "desc", "int")] as const;

/**
 * A post's comments, oldest first. The post itself was already found
 * visible, and every comment of a visible post is visible, so their count is
 * the post's comment_count, which triggers keep on every write path
 * (prisma/migrations/20261202080000_comment_count_triggers).
 */
export const commentsOfPost: PageSource = {
  model: "Comment",
  scope: (_args, parent) => `Post.comments|${parent}`,
  order: () => ID_ASC,
  branches: ({ parent }) => [{ from: Prisma.sql`"comments" AS "x"`, where: [Prisma.sql`"x"."post_id" = ${parent!}`] }],
  storedCount: ({ parent }) => Prisma.sql`SELECT "s"."comment_count" FROM "posts" AS "s" WHERE "s"."id" = ${parent}`,
};

/**
 * A user's comments, newest first, on posts the viewer can see. Comments
 * can only be written on published posts, so the visibility check skips
 * rows only where a post went back to draft.
 */
export const commentsOfAuthor: PageSource = {
  model: "Comment",
  scope: (_args, parent) => `User.comments|${parent}`,
  order: () => ID_DESC,
  branches: ({ parent, viewer }) => {
    return [{ from: Prisma.sql`"comments" AS "x"`, where: [Prisma.sql`"x"."author_id" = ${parent!}`, visibleCommentSql(viewer, "x")] }];
  },
};

/** A comment by id, when the viewer can see it: exactly when they can see its post. */
export const commentById: RowSource<{ id: number }> = {
  model: "Comment",
  find: ({ viewer, args }) => ({
    from: Prisma.sql`"comments" AS "x"`,
    where: [Prisma.sql`"x"."id" = ${args.id}`, visibleCommentSql(viewer, "x")],
  }),
};
