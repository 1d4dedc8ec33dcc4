import { builder } from "../../builder.js";

export const Comment = builder.prismaNode("Comment", {
  id: { field: "id" },
  // Select mode, as for Post; postId is always there for the visibility check.
  select: { id: true, postId: true },
  // A comment is visible exactly when its post is (src/schema/node-visibility.ts).
  nullable: true,
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
