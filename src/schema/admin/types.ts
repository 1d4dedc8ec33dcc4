import { builder } from "../../builder.js";
import { databaseIdOf } from "../ids.js";
import { TAG_FILTER_DESCRIPTION, tagFilterValue } from "../post/lists.js";
import { PostStatus } from "../post/types.js";
import { TEXT_LIMITS } from "../text.js";
import type { AdminPostFilter as PostCriteria } from "./lists.js";

export const AdminPostFilter = builder.inputType("AdminPostFilter", {
  description: "Posts of every status and author, for admins' deletePosts and exportPosts: all the conditions given must hold.",
  fields: (t) => ({
    author: t.id({ description: "A User id." }),
    status: t.field({ type: PostStatus }),
    tag: t.string({ description: TAG_FILTER_DESCRIPTION, extensions: { maxLength: TEXT_LIMITS.tag } }),
    createdAfter: t.field({ type: "DateTime" }),
    createdBefore: t.field({ type: "DateTime" }),
    publishedAfter: t.field({ type: "DateTime" }),
    publishedBefore: t.field({ type: "DateTime" }),
  }),
});

/**
 * What an AdminPostFilter argument selects, for deletePosts and exportPosts
 * alike: the author's id decoded (BAD_USER_INPUT naming the field when it is
 * no User id), the tag read as the feed reads it, a blank tag no condition.
 */
export function postCriteriaOf(filter: typeof AdminPostFilter.$inferInput | null | undefined, field = "filter"): PostCriteria {
  return {
    ...filter,
    authorId: filter?.author == null ? null : databaseIdOf(String(filter.author), "User", `${field}.author`),
    tag: tagFilterValue(filter?.tag),
  };
}
