import { builder } from "../../builder.js";
import { nestedListField } from "../../read/lists.js";
import { PAGING_RULES } from "../../read/window.js";
import { Post } from "../post/types.js";
import { canCommentOn, canDeleteComment, canEditComment } from "./access.js";
import { totalCountField } from "../connections.js";
import { User } from "../user/types.js";
import { commentsOfAuthor, commentsOfPost } from "./lists.js";

export const Comment = builder.prismaNode("Comment", {
  id: { field: "id" },
  // Select mode with every column but the timestamp at type level (see
  // Post); postId also serves the visibility check.
  select: { id: true, postId: true, authorId: true, body: true },
  // A comment is visible exactly when its post is (src/schema/node-visibility.ts).
  nullable: true,
  fields: (t) => ({
    body: t.string({ resolve: (comment) => comment.body }),
    author: t.relation("author"),
    post: t.relation("post"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    viewerCanEdit: t.boolean({
      description: "Whether updateComment would accept this comment from the viewer.",
      resolve: (comment, _args, ctx) => canEditComment(ctx.viewer, comment),
    }),
    // The post's author and status come with the comment's row (planned into its query), not one lookup each.
    viewerCanDelete: t.boolean({
      description: "Whether deleteComment would accept this comment from the viewer: its author, the post's author or an admin.",
      select: { post: { select: { authorId: true } } },
      resolve: (comment, _args, ctx) => canDeleteComment(ctx.viewer, comment),
    }),
    viewerCanComment: t.boolean({
      description: "Whether addComment would accept another comment on this comment's post from the viewer.",
      select: { post: { select: { status: true } } },
      resolve: (comment, _args, ctx) => canCommentOn(ctx.viewer, comment.post),
    }),
  }),
});

/** A comment and its cursor: an edge of a post's comments, and what commentAdded delivers. */
export const CommentEdge = builder.edgeObject({ type: Comment, name: "CommentEdge" });

export const CommentConnection = builder.connectionObject(
  { type: Comment, name: "CommentConnection", fields: (t) => ({ totalCount: t.int(totalCountField) }) },
  CommentEdge,
);

// The lists of comments under posts and users live with the comments they return.
builder.prismaObjectFields(Post, (t) => ({
  comments: t.connection({
    type: Comment,
    description: `Oldest first. ${PAGING_RULES}`,
    ...nestedListField(commentsOfPost, Comment),
  }, CommentConnection),
}));

builder.prismaObjectFields(User, (t) => ({
  comments: t.connection({
    type: Comment,
    description: `Newest first, on posts the viewer can see. ${PAGING_RULES}`,
    ...nestedListField(commentsOfAuthor, Comment),
  }, CommentConnection),
}));
