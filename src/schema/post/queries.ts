import { builder } from "../../builder.js";
import { rootListResolver } from "../../read/lists.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PAGING_RULES } from "../../read/window.js";
import { MAX_CURSOR_LENGTH } from "../../read/cursors.js";
import { lookupResolver } from "../../read/lookup.js";
import { TEXT_LIMITS } from "../text.js";
import { feedPosts, postSearch, postBySlug } from "./lists.js";
import { Post, PostConnection, PostFilter, PostOrder, PostSearchConnection } from "./types.js";

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
  // A field of the connection type rather than t.connection, which would add
  // `last` and `before`: ranked matches page forward only, and an argument
  // that always fails is not offered.
  search: t.field({
    type: PostSearchConnection,
    description:
      `Full-text search of published posts (title and body, English, with stemming), best match first. ` +
      `Web-search syntax: "a phrase", this or that, -without; nothing in it is an error. ` +
      `Pages forward only: \`first\` (${DEFAULT_PAGE_SIZE} by default, ${MAX_PAGE_SIZE} at most) and \`after\`.`,
    args: {
      query: t.arg.string({ required: true, extensions: { maxLength: TEXT_LIMITS.search } }),
      first: t.arg.int({ description: `How many matches (${DEFAULT_PAGE_SIZE} by default, ${MAX_PAGE_SIZE} at most).` }),
      after: t.arg.string({ description: "The endCursor of the page before.", extensions: { maxLength: MAX_CURSOR_LENGTH } }),
    },
    resolve: rootListResolver(postSearch, Post),
  }),
}));
