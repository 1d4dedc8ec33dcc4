import type { GraphQLResolveInfo } from "graphql";
import { builder } from "../../builder.js";
import type { Context } from "../../context.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { topics } from "../../events/events.js";
import { liveStream, type Heard } from "../../events/live.js";
import { Edge } from "../../read/connection.js";
import { MAX_CURSOR_LENGTH, notACursorOfThisList, type CursorValue } from "../../read/cursors.js";
import { streamedRows } from "../../read/lookup.js";
import { MAX_PAGE_SIZE } from "../../read/window.js";
import { databaseIdOf } from "../ids.js";
import { TEXT_LIMITS } from "../text.js";
import { lastPublicationSql, publicationsAfter, TAG_FILTER_DESCRIPTION, tagFilterValue } from "./lists.js";
import { Post, PostEdge } from "./types.js";

type PostRow = (typeof Post)["$inferType"];

builder.subscriptionFields((t) => ({
  postPublished: t.field({
    type: PostEdge,
    description:
      "Posts as they are published, in the order their publications committed, only those by `author` and with `tag` when given, each with " +
      "its cursor. With `after`, the posts published after that cursor come first, then new ones: no gap and no repeat, so a client that lost " +
      "its stream subscribes again with the last cursor it got. Without it, the stream starts with the next publication (read the feed for " +
      "earlier ones). A post is delivered as a query would show it to the viewer when it is read; one withdrawn by then is not delivered.",
    args: {
      author: t.arg.id({ description: "Only this user's posts (a User id)." }),
      tag: t.arg.string({ description: TAG_FILTER_DESCRIPTION, extensions: { maxLength: TEXT_LIMITS.tag } }),
      after: t.arg.string({
        description: "A cursor this subscription gave, with the same `author` and `tag`; the stream starts after it.",
        extensions: { maxLength: MAX_CURSOR_LENGTH },
      }),
    },
    subscribe: (_root, args, ctx, info) => {
      const filter = {
        authorId: args.author == null ? null : databaseIdOf(String(args.author), "User", "author"),
        tag: tagFilterValue(args.tag),
      };
      return postsPublished(ctx, info, filter, args.after ?? null);
    },
    resolve: postEdges.resolve,
  }),
}));

/** Each event is one published post's edge, read with the selection the document plans under `node`. */
const postEdges = streamedRows<Edge<PostRow>>("Post", "Post", "edge");

/**
 * The stream behind postPublished: the publications after its position,
 * read a page at a time in the order they committed (publicationsAfter),
 * each post read through the posts' own visibility rule with the
 * document's planned selection. An event only says "read after your
 * position": publications become visible in number order (see the
 * post_publications migration), so reading after the position delivers each
 * once, in order, whichever instance's events arrive first, late or twice,
 * and a stream that heard nothing for a while (Redis lost and back) catches
 * up. A cursor is the position, signed for the stream's filter: a cursor
 * of another filter would skip what this one has not delivered.
 */
async function postsPublished(
  ctx: Context,
  info: GraphQLResolveInfo,
  filter: { authorId: number | null; tag: string | null },
  after: string | null,
): Promise<AsyncIterable<Edge<PostRow>>> {
  const { reader } = ctx;
  const scope = `postPublished|${filter.authorId ?? ""}|${filter.tag ?? ""}`;
  let position = after === null ? null : publicationNumber(reader.cursors.decode(scope, after, "after"));
  const selection = postEdges.plan(ctx, info).selection;
  const encode = (keys: readonly CursorValue[]) => reader.cursors.encode(scope, keys);

  const read = async (heard: Heard) => {
    if (position === null) {
      const [last] = await reader.sql.query<{ number: bigint }>(lastPublicationSql);
      position = Number(last!.number);
      return { items: [] };
    }
    // Another author's publications cannot be this stream's, and it does not read for them.
    if (heard?.length && filter.authorId !== null && !heard.some((event) => event.kind === "postPublished" && event.authorId === filter.authorId)) {
      return { items: [] };
    }
    const { scanned, post } = publicationsAfter(filter, position, MAX_PAGE_SIZE + 1);
    // The same SQL for every subscriber with this filter, document and position, so they share one read (commentAdded's batching).
    const key = `postPublished|${position}|${filter.authorId ?? ""}|${filter.tag ?? ""}|${ctx.sharedReads.idOf(selection)}`;
    const rows = await ctx.sharedReads.read(key, () =>
      reader.sql.query(Prisma.sql`
        SELECT "n"."number" AS "__number", "s".* FROM ${scanned}
        LEFT JOIN LATERAL (
          SELECT TRUE AS "__delivered", ${selection.selectList}
          FROM (SELECT ${selection.sourceColumns} FROM ${post.from} WHERE ${Prisma.join(post.where, " AND ")}) AS "t"
        ) AS "s" ON TRUE
        ORDER BY "n"."number"`),
    );
    const page = rows.slice(0, MAX_PAGE_SIZE);
    if (page.length) position = Number(page.at(-1)!.__number);
    const items = page.flatMap((row) => {
      if (row.__delivered !== true) return [];
      // Each subscriber's own copy: what one execution attaches to a row never reaches another's.
      return [new Edge(structuredClone(selection.decode(row)) as PostRow, [Number(row.__number)], encode, {})];
    });
    return { items, more: rows.length > MAX_PAGE_SIZE };
  };
  return liveStream(ctx, [topics.publishedPosts], read);
}

/** The publication number a postPublished cursor carries. */
function publicationNumber(keys: readonly CursorValue[]): number {
  const [number] = keys;
  if (keys.length !== 1 || !Number.isSafeInteger(number) || (number as number) < 0) throw notACursorOfThisList("after");
  return number as number;
}
