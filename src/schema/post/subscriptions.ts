import type { GraphQLResolveInfo } from "graphql";
import { builder } from "../../builder.js";
import type { Context } from "../../context.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { topics } from "../../events/events.js";
import { liveStream, type Heard } from "../../events/live.js";
import { streamedRows } from "../../read/lookup.js";
import { databaseIdOf } from "../ids.js";
import { TEXT_LIMITS } from "../text.js";
import { publishedPostsAmong, TAG_FILTER_DESCRIPTION, tagFilterValue } from "./lists.js";
import { Post } from "./types.js";

type PostRow = (typeof Post)["$inferType"];

builder.subscriptionFields((t) => ({
  postPublished: t.field({
    type: Post,
    description:
      "Posts as they are published from now on (no replay: read the feed for earlier ones), only those by `author` and with `tag` when given. " +
      "A post is delivered as a query would show it to the viewer at that moment; one withdrawn before it is read is not delivered.",
    args: {
      author: t.arg.id({ description: "Only this user's posts (a User id)." }),
      tag: t.arg.string({ description: TAG_FILTER_DESCRIPTION, extensions: { maxLength: TEXT_LIMITS.tag } }),
    },
    subscribe: (_root, args, ctx, info) =>
      postsPublished(ctx, info, {
        authorId: args.author == null ? null : databaseIdOf(String(args.author), "User", "author"),
        tag: tagFilterValue(args.tag),
      }),
    resolve: postRows.resolve,
  }),
}));

/** Each event is one published post, read with the selection the document plans for it. */
const postRows = streamedRows<PostRow>("Post", "Post", "row");

/**
 * The stream behind postPublished: each batch of publication events read as
 * one statement with the document's planned selection, through the posts'
 * own visibility rule (publishedPostsAmong), in the order they were heard.
 */
function postsPublished(ctx: Context, info: GraphQLResolveInfo, filter: { authorId: number | null; tag: string | null }): Promise<AsyncIterable<PostRow>> {
  const { reader } = ctx;
  const selection = postRows.plan(ctx, info).selection;
  const read = async (heard: Heard) => {
    const ids = (heard ?? []).flatMap((event) =>
      event.kind === "postPublished" && (filter.authorId === null || event.authorId === filter.authorId) ? [event.postId] : [],
    );
    if (!ids.length) return { items: [] };
    const found = publishedPostsAmong(reader.viewer, ids, filter.tag);
    const rows = await reader.sql.query(Prisma.sql`
      SELECT ${selection.selectList} FROM (SELECT ${selection.sourceColumns} FROM ${found.from} WHERE ${Prisma.join(found.where, " AND ")}) AS "t"
      ORDER BY array_position(${ids}::int[], "t"."id")`);
    return { items: rows.map((row) => selection.decode(row) as PostRow) };
  };
  return liveStream(ctx, [topics.publishedPosts], read);
}
