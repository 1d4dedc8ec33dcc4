import { Prisma, type PostStatus } from "../../db/generated/prisma/client.js";
import { plannedPerExecution } from "../../db/statement-names.js";
import { utcTimestamp } from "../../read/values.js";
import { sortKey, type SortKey } from "../../read/keyset.js";
import type { RowSource } from "../../read/lookup.js";
import type { PageBranch, PageSource } from "../../read/page-query.js";
import { normalizeTagName } from "../tag/service.js";
import { handleAsStored } from "../text.js";
import { visiblePostCountOfAuthorSql, visiblePostSql, visiblePostsOfAuthorSql } from "./access.js";

/**
 * The paged lists of posts, and the lookup of one post, as SQL sources
 * (see src/read/page-query.ts and src/read/lookup.ts).
 * Each reads through an index whose order is the list's order, so a page
 * costs the rows on it, however many posts stand behind it:
 * - the feed: posts_status_published_at_id_idx / posts_status_comment_count_id_idx,
 *   or post_tags' (tag_id, published_at, post_id) when filtered by a tag;
 * - a user's posts: (author_id, created_at, id) for the author, and
 *   (author_id, status, created_at, id) for everyone else;
 * - a tag's posts: post_tags' (tag_id, published_at, post_id).
 */

export type PostOrderValue = "NEWEST" | "OLDEST" | "MOST_COMMENTED";

export interface FeedFilter {
  authorHandle?: string | null;
  tag?: string | null;
  search?: string | null;
  publishedAfter?: Date | null;
  publishedBefore?: Date | null;
}

export interface FeedArgs {
  orderBy: PostOrderValue;
  filter?: FeedFilter | null;
}

const x = (column: string) => Prisma.raw(`"x"."${column}"`);
const link = (column: string) => Prisma.raw(`"l"."${column}"`);

// Every order ends in the id, so rows that tie on the leading key keep one place.
const FEED_ORDERS: Record<PostOrderValue, readonly SortKey[]> = {
  NEWEST: [sortKey(x("published_at"), "desc", "timestamp"), sortKey(x("id"), "desc", "int")],
  OLDEST: [sortKey(x("published_at"), "asc", "timestamp"), sortKey(x("id"), "asc", "int")],
  MOST_COMMENTED: [sortKey(x("comment_count"), "desc", "int"), sortKey(x("id"), "desc", "int")],
};

// The same orders read off post_tags, whose published_at and post_id equal the post's.
const TAG_ORDERS: Partial<Record<PostOrderValue, readonly SortKey[]>> = {
  NEWEST: [sortKey(link("published_at"), "desc", "timestamp"), sortKey(link("post_id"), "desc", "int")],
  OLDEST: [sortKey(link("published_at"), "asc", "timestamp"), sortKey(link("post_id"), "asc", "int")],
};

const POSTS_WITH_TAG = Prisma.sql`"post_tags" AS "l" JOIN "posts" AS "x" ON "x"."id" = "l"."post_id"`;

/** What every argument read by tagFilterValue says of itself. */
export const TAG_FILTER_DESCRIPTION = "Only posts with this tag; the name ignores case. Blank: any tag.";

/** A tag as a filter names it, as stored (normalizeTagName); blank is no filter. */
export function tagFilterValue(tag: string | null | undefined): string | null {
  return normalizeTagName(tag ?? "") || null;
}

function normalizedFilter(filter: FeedFilter | null | undefined) {
  return {
    authorHandle: handleAsStored(filter?.authorHandle ?? "") || null,
    tag: tagFilterValue(filter?.tag),
    search: filter?.search?.trim() || null,
    publishedAfter: filter?.publishedAfter ?? null,
    publishedBefore: filter?.publishedBefore ?? null,
  };
}

/** The public feed: published posts only, whoever asks (a feed, not the visibility rule: drafts never show there). */
export const feedPosts: PageSource<FeedArgs> = {
  model: "Post",
  scope: (args) => `Query.posts|${args.orderBy}|${JSON.stringify(normalizedFilter(args.filter))}`,
  order: (args) => (normalizedFilter(args.filter).tag && TAG_ORDERS[args.orderBy]) || FEED_ORDERS[args.orderBy],
  branches: ({ args }) => {
    const filter = normalizedFilter(args.filter);
    const where: Prisma.Sql[] = [Prisma.sql`"x"."status" = 'PUBLISHED'`];
    let from = Prisma.sql`"posts" AS "x"`;
    if (filter.tag) {
      const tagId = Prisma.sql`(SELECT "id" FROM "tags" WHERE "name" = ${filter.tag})`;
      if (TAG_ORDERS[args.orderBy]) {
        from = POSTS_WITH_TAG;
        where.push(Prisma.sql`"l"."tag_id" = ${tagId}`, Prisma.sql`"l"."published_at" IS NOT NULL`);
      } else {
        where.push(Prisma.sql`"x"."id" IN (SELECT "post_id" FROM "post_tags" WHERE "tag_id" = ${tagId} AND "published_at" IS NOT NULL)`);
      }
    }
    if (filter.authorHandle) {
      where.push(Prisma.sql`"x"."author_id" = (SELECT "id" FROM "users" WHERE "handle" = ${filter.authorHandle})`);
    }
    if (filter.search) {
      // Full-text; websearch syntax never fails to parse. Planned with its words: through
      // posts_search_vector_idx when they are rare, along the order's index when they are common.
      where.push(plannedPerExecution(Prisma.sql`"x"."search_vector" @@ websearch_to_tsquery('english', ${filter.search})`));
    }
    if (filter.publishedAfter) where.push(Prisma.sql`"x"."published_at" > ${utcTimestamp(filter.publishedAfter)}`);
    if (filter.publishedBefore) where.push(Prisma.sql`"x"."published_at" < ${utcTimestamp(filter.publishedBefore)}`);
    return [{ from, where }];
  },
};

export interface AuthorPostsArgs {
  status?: PostStatus | null;
}

const AUTHOR_ORDER = [sortKey(x("created_at"), "desc", "timestamp"), sortKey(x("id"), "desc", "int")] as const;

/**
 * A user's posts, newest first: every status for the author and admins,
 * published ones for everyone else. Their count, with the same rule and
 * status, is read off the author's author_post_counts row, which triggers
 * keep on every write path (prisma/migrations/20261207215729_author_post_counts).
 */
export const postsOfAuthor: PageSource<AuthorPostsArgs> = {
  model: "Post",
  scope: (args, parent) => `User.posts|${parent}|${args.status ?? ""}`,
  order: () => AUTHOR_ORDER,
  branches: ({ parent, viewer, args }) => {
    const byAuthor = Prisma.sql`"x"."author_id" = ${parent!}`;
    const status = args.status ? [Prisma.sql`"x"."status" = ${args.status}::"PostStatus"`] : [];
    const from = Prisma.sql`"posts" AS "x"`;
    return visiblePostsOfAuthorSql(viewer, parent!, "x").map((visible): PageBranch => ({ from, where: [...visible, byAuthor, ...status] }));
  },
  storedCount: ({ parent, viewer, args }) =>
    Prisma.sql`SELECT ${visiblePostCountOfAuthorSql(viewer, parent, "s", args.status)} FROM "author_post_counts" AS "s" WHERE "s"."author_id" = ${parent}`,
};

const TAG_POSTS_ORDER = TAG_ORDERS.NEWEST!;

/**
 * A tag's published posts, newest first: the same for every viewer, so
 * their count is the tag's post_count, which triggers keep on every write
 * path (prisma/migrations/20261207151932_tag_post_count).
 */
export const postsOfTag: PageSource = {
  model: "Post",
  scope: (_args, parent) => `Tag.posts|${parent}`,
  order: () => TAG_POSTS_ORDER,
  branches: ({ parent }) => [
    { from: POSTS_WITH_TAG, where: [Prisma.sql`"l"."tag_id" = ${parent!}`, Prisma.sql`"l"."published_at" IS NOT NULL`] },
  ],
  storedCount: ({ parent }) => Prisma.sql`SELECT "s"."post_count" FROM "tags" AS "s" WHERE "s"."id" = ${parent}`,
};

export interface SearchArgs {
  query: string;
}

/** How well a post matches (ts_rank: title words weigh more than body words), over the row `x` and the query `q`. */
const SEARCH_RANK = Prisma.sql`ts_rank("x"."search_vector", "q")::float8`;
const SEARCH_ORDER = [sortKey(SEARCH_RANK, "desc", "float"), sortKey(x("id"), "desc", "int")] as const;
// The body HTML-escaped, then the matching words marked: safe to show as HTML.
const SEARCH_HIGHLIGHT = Prisma.sql`ts_headline('english', replace(replace(replace("x"."body", '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), "q",
  'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, MaxFragments=2')`;

/**
 * Full-text search of published posts, best match first (id breaks ties).
 * The match goes through posts_search_vector_idx; ranking needs every
 * match's rank, so its cost follows the number of matches, and only the
 * page's rows get an excerpt. A query of nothing matches nothing and sends
 * no statement; a cursor belongs to its query.
 */
export const postSearch: PageSource<SearchArgs> = {
  model: "Post",
  costFollowsMatches: true,
  scope: (args) => `Query.search|${args.query.trim()}`,
  order: () => SEARCH_ORDER,
  branches: ({ args }) => {
    const query = args.query.trim();
    if (!query) return [];
    return [
      {
        from: Prisma.sql`"posts" AS "x", websearch_to_tsquery('english', ${query}) AS "q"`,
        where: [Prisma.sql`"x"."status" = 'PUBLISHED'`, Prisma.sql`"x"."search_vector" @@ "q"`],
      },
    ];
  },
  edgeValues: () => ({ rank: { expr: SEARCH_RANK, type: "float" }, highlight: { expr: SEARCH_HIGHLIGHT, type: "text" } }),
};

/**
 * The publications postPublished reads after `position` (a publication
 * number), in the order they became visible: at most `scan` of them (a
 * constant in the SQL, so the one generic plan is made for it, as a page's
 * is: src/read/page-query.ts, plannedRows), from
 * post_publications' primary key, or from its (author_id, number) index for
 * one author. `"x"` is each one's post, which the stream delivers only
 * where `delivered` holds: still visible to anyone (published), and
 * carrying `tag` when one is given. What anyone sees is what every viewer
 * sees, so the SQL is the same for every subscriber and they can share it.
 * A publication it does not deliver still moves the stream past it, so a
 * statement costs the publications it scans and no more, however rare the tag.
 */
export function publicationsAfter(filter: { authorId: number | null; tag: string | null }, position: number, scan: number) {
  const author = filter.authorId === null ? Prisma.empty : Prisma.sql`"n"."author_id" = ${filter.authorId} AND `;
  const delivered = [Prisma.sql`"x"."id" = "n"."post_id"`, visiblePostSql(null, "x")];
  if (filter.tag) {
    delivered.push(Prisma.sql`EXISTS (SELECT 1 FROM "post_tags" AS "l" JOIN "tags" AS "g" ON "g"."id" = "l"."tag_id" WHERE "l"."post_id" = "x"."id" AND "g"."name" = ${filter.tag})`);
  }
  return {
    /** The publications, as `"n"` ("number", "post_id"), in order. */
    scanned: Prisma.sql`(SELECT "n"."number", "n"."post_id" FROM "post_publications" AS "n"
      WHERE ${author}"n"."number" > ${position} ORDER BY "n"."number" LIMIT ${Prisma.raw(String(Math.trunc(scan)))}) AS "n"`,
    post: { from: Prisma.sql`"posts" AS "x"`, where: delivered } satisfies PageBranch,
  };
}

/** Where a postPublished stream without a cursor starts: after the last publication so far. */
export const lastPublicationSql = Prisma.sql`SELECT coalesce(max("number"), 0) AS "number" FROM "post_publications"`;

/** A published post, or one of the viewer's own drafts, by slug (posts_slug_key). */
export const postBySlug: RowSource<{ slug: string }> = {
  model: "Post",
  find: ({ viewer, args }) => ({
    from: Prisma.sql`"posts" AS "x"`,
    where: [Prisma.sql`"x"."slug" = ${args.slug}`, visiblePostSql(viewer, "x")],
  }),
};
