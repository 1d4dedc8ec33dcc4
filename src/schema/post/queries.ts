import { builder } from "../../builder.js";
import { rootListResolver } from "../../read/lists.js";
import { PAGING_RULES } from "../../read/window.js";
import { lookupResolver } from "../../read/lookup.js";
import { TEXT_LIMITS } from "../text.js";
import { feedPosts, postBySlug } from "./lists.js";
import { Post, PostConnection, PostFilter, PostOrder } from "./types.js";

builder.queryFields((t) => ({
  post: t.field({
    type: Post,
    nullable: true,
    description: "A published post, or one of the viewer's own drafts.",
    args: { slug: t.arg.string({ required: true, extensions: { maxLength: TEXT_LIMITS.slug } }) },
    resolve: lookupResolver(postBySlug, Post),
  }),
  posts: t.connection({
    type: Post,
    description: `The public feed: published posts only. ${PAGING_RULES}`,
    args: {
      filter: t.arg({ type: PostFilter }),
      orderBy: t.arg({ type: PostOrder, defaultValue: "NEWEST", required: true }),
    },
    resolve: rootListResolver(feedPosts, Post),
  }, PostConnection),
}));
