import { builder } from "../../builder.js";
import { rootListResolver } from "../../paging/paged-connection.js";
import { PAGING_RULES } from "../../paging/window.js";
import { feedPosts } from "./lists.js";
import { Post, PostConnection, PostFilter, PostOrder } from "./types.js";
import { visiblePosts } from "./visibility.js";

builder.queryFields((t) => ({
  post: t.prismaField({
    type: "Post",
    nullable: true,
    description: "A published post, or one of the viewer's own drafts.",
    args: { slug: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.post.findFirst({ ...query, where: { slug: args.slug, AND: [visiblePosts(ctx.viewer)] } }),
  }),
  posts: t.connection({
    type: Post,
    description: `The public feed: published posts only. ${PAGING_RULES}`,
    args: {
      filter: t.arg({ type: PostFilter }),
      orderBy: t.arg({ type: PostOrder, defaultValue: "NEWEST", required: true }),
    },
    resolve: rootListResolver(feedPosts, "Post"),
  }, PostConnection),
}));
