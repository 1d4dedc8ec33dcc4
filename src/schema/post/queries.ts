import { builder } from "../../builder.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError } from "../../errors.js";
import { keysetPage, pageSizeFor, type SortKey } from "../../paging.js";
import { PostConnection, PostFilter, PostOrder } from "./types.js";
import { visiblePosts } from "./visibility.js";

type PostOrderValue = "NEWEST" | "OLDEST" | "MOST_COMMENTED";
type FeedKey = "publishedAt" | "commentCount" | "id";

// Every order ends in `id` so paging is stable when the leading key ties.
const postOrders: Record<PostOrderValue, readonly SortKey<FeedKey>[]> = {
  NEWEST: [["publishedAt", "desc"], ["id", "desc"]],
  OLDEST: [["publishedAt", "asc"], ["id", "asc"]],
  MOST_COMMENTED: [["commentCount", "desc"], ["id", "desc"]],
};

interface PostFilterInput {
  authorHandle?: string | null;
  tag?: string | null;
  search?: string | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
}

function feedWhere(filter: PostFilterInput | null | undefined): Prisma.PostWhereInput {
  const where: Prisma.PostWhereInput[] = [{ status: "PUBLISHED" }];
  if (filter?.authorHandle) where.push({ author: { handle: filter.authorHandle } });
  if (filter?.tag) where.push({ tags: { some: { name: filter.tag.trim().toLowerCase() } } });
  const search = filter?.search?.trim();
  if (search) {
    where.push({
      OR: [{ title: { contains: search, mode: "insensitive" } }, { body: { contains: search, mode: "insensitive" } }],
    });
  }
  if (filter?.publishedAfter) where.push({ publishedAt: { gt: filter.publishedAfter } });
  if (filter?.publishedBefore) where.push({ publishedAt: { lt: filter.publishedBefore } });
  return { AND: where };
}

builder.queryFields((t) => ({
  post: t.prismaField({
    type: "Post",
    nullable: true,
    description: "A published post, or one of the viewer's own drafts.",
    args: { slug: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.post.findFirst({ ...query, where: { slug: args.slug, AND: [visiblePosts(ctx.viewer)] } }),
  }),
  posts: t.prismaConnection({
    type: "Post",
    cursor: "id",
    maxSize: pageSizeFor,
    description: "The public feed: published posts only.",
    args: {
      filter: t.arg({ type: PostFilter }),
      orderBy: t.arg({ type: PostOrder, defaultValue: "NEWEST", required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const order = postOrders[args.orderBy];
      // The cursor names a post; its sort keys anchor the keyset (one indexed lookup).
      const anchor = query.cursor?.id
        ? await ctx.db.post.findUnique({ where: { id: query.cursor.id }, select: { id: true, publishedAt: true, commentCount: true } })
        : null;
      if (query.cursor?.id && !anchor) {
        const field = args.before ? "before" : "after";
        throw new BadUserInputError(`"${field}" points at a post that no longer exists.`, field);
      }
      const { page, where, orderBy } = keysetPage(query, order, anchor);
      return ctx.db.post.findMany({ ...page, where: { AND: [feedWhere(args.filter), where] }, orderBy });
    },
  }, PostConnection),
}));
