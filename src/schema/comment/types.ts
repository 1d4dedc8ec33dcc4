import { builder } from "../../builder.js";
import { toDatabaseId } from "../ids.js";
import { visiblePosts } from "../post/visibility.js";

export const Comment = builder.prismaNode("Comment", {
  id: { field: "id" },
  // A comment is visible exactly when its post is.
  nullable: true,
  findUnique: (id, ctx) => ({ id: toDatabaseId(id, "Comment"), post: visiblePosts(ctx.viewer) }),
  fields: (t) => ({
    body: t.exposeString("body"),
    author: t.relation("author"),
    post: t.relation("post"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const CommentConnection = builder.connectionObject(
  { type: Comment, name: "CommentConnection" },
  { name: "CommentEdge" },
);
