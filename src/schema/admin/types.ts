import { builder } from "../../builder.js";
import { PostStatus } from "../post/types.js";
import { TEXT_LIMITS } from "../text.js";

export const AdminPostFilter = builder.inputType("AdminPostFilter", {
  description: "Posts of every status and author, for admins' deletePosts and exportPosts: all the conditions given must hold.",
  fields: (t) => ({
    author: t.id({ description: "A User id." }),
    status: t.field({ type: PostStatus }),
    tag: t.string({ extensions: { maxLength: TEXT_LIMITS.tag } }),
    createdAfter: t.field({ type: "DateTime" }),
    createdBefore: t.field({ type: "DateTime" }),
    publishedAfter: t.field({ type: "DateTime" }),
    publishedBefore: t.field({ type: "DateTime" }),
  }),
});
