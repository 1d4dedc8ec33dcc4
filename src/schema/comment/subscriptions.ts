import type { GraphQLResolveInfo } from "graphql";
import { builder } from "../../builder.js";
import type { Context } from "../../context.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { NotFoundError } from "../../errors.js";
import { topics } from "../../events/events.js";
import { liveStream, type Heard } from "../../events/live.js";
import { Edge } from "../../read/connection.js";
import { MAX_CURSOR_LENGTH, type CursorValue } from "../../read/cursors.js";
import { streamedRows } from "../../read/lookup.js";
import { loadPages } from "../../read/page-query.js";
import { MAX_PAGE_SIZE } from "../../read/window.js";
import { databaseIdOf } from "../ids.js";
import { visiblePostSql } from "../post/access.js";
import { commentsOfPost } from "./lists.js";
import { Comment, CommentEdge } from "./types.js";

type CommentRow = (typeof Comment)["$inferType"];

builder.subscriptionFields((t) => ({
  commentAdded: t.field({
    type: CommentEdge,
    description:
      "New comments on a post the viewer can see, oldest first, each with its cursor (a cursor of `Post.comments`). " +
      "With `after`, the comments after that cursor come first, then new ones as they are added: no gap and no repeat, so a client that " +
      "lost its stream subscribes again with the last cursor it got. Ends with NOT_FOUND when the post is deleted or the viewer can no longer see it.",
    args: {
      postId: t.arg.id({ required: true }),
      after: t.arg.string({ description: "A cursor of this post's comments; the stream starts after it.", extensions: { maxLength: MAX_CURSOR_LENGTH } }),
    },
    subscribe: (_root, args, ctx, info) => commentsAdded(ctx, info, databaseIdOf(String(args.postId), "Post", "postId"), args.after ?? null),
    resolve: commentRows.resolve,
  }),
}));

/** Each event is one comment's edge of `Post.comments`, read with the selection the document plans under `node`. */
const commentRows = streamedRows<Edge<CommentRow>>("Comment", "Comment", "edge");

/**
 * The stream behind commentAdded: the post's comments read in pages of
 * `post.comments`' own read path (commentsOfPost, its cursors, its planned
 * selection), each page after the last comment delivered. A comment event
 * only says "read after your position": comments on one post commit in id
 * order (addComment locks the post first), so reading after the position
 * delivers every comment once, in order, whichever instance's events arrive
 * first or twice.
 */
async function commentsAdded(ctx: Context, info: GraphQLResolveInfo, postId: number, after: string | null): Promise<AsyncIterable<Edge<CommentRow>>> {
  const { reader } = ctx;
  const scope = commentsOfPost.scope({}, postId);
  let position: readonly CursorValue[] | null = after === null ? null : reader.cursors.decode(scope, after, "after");
  const selection = commentRows.plan(ctx, info).selection;
  const encode = (keys: readonly CursorValue[]) => reader.cursors.encode(scope, keys);

  /** Whether the viewer can see the post now; and, to start at "now", the id of its last comment. */
  const lookUpPost = async (): Promise<{ lastCommentId: number | null }> => {
    const [post] = await reader.sql.query<{ lastCommentId: number | null }>(Prisma.sql`
      SELECT (SELECT "c"."id" FROM "comments" AS "c" WHERE "c"."post_id" = "p"."id" ORDER BY "c"."id" DESC LIMIT 1) AS "lastCommentId"
      FROM "posts" AS "p" WHERE "p"."id" = ${postId} AND ${visiblePostSql(reader.viewer, "p")}`);
    if (!post) throw new NotFoundError("Post");
    return post;
  };

  const read = async (heard: Heard) => {
    // Checked at the start, when events may have been missed, and when the post was withdrawn;
    // a comment event means the post was published when that comment was added.
    if (heard === null || heard.length === 0 || heard.some((event) => event.kind === "postWithdrawn")) {
      const post = await lookUpPost();
      if (heard === null && position === null) {
        // Without `after`, the stream starts with the next comment.
        position = post.lastCommentId === null ? null : [post.lastCommentId];
        return { items: [] };
      }
    }
    const window = { size: MAX_PAGE_SIZE, backward: false, after: position, before: null };
    // Read as nobody in particular, so the SQL is the same for every subscriber and the subscribers of this
    // post at this position share one read: the post's visibility was checked per subscriber above, and a
    // post's comments are seen by whoever sees the post.
    const key = `Post.comments|${postId}|${JSON.stringify(position)}|${ctx.sharedReads.idOf(selection)}`;
    const [rows = []] = await ctx.sharedReads.read(key, () =>
      loadPages(reader.sql, { source: commentsOfPost, args: {}, viewer: null, window, selection }, [postId]),
    );
    const page = rows.slice(0, window.size);
    if (page.length) position = page.at(-1)!.keys;
    // Each subscriber's own copy: what one execution attaches to a row never reaches another's.
    return { items: page.map((row) => new Edge(structuredClone(row.node) as CommentRow, row.keys, encode, row.values)), more: rows.length > window.size };
  };
  return liveStream(ctx, [topics.commentsOf(postId), topics.withdrawalOf(postId)], read);
}
