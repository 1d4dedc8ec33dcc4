import { queryFromInfo } from "@pothos/plugin-prisma";
import { builder } from "../../builder.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError } from "../../errors.js";
import { MAX_CURSOR_LENGTH } from "../../paging/cursors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../paging/window.js";
import { TEXT_LIMITS } from "../text.js";
import { Post } from "./types.js";


interface SearchHit {
  id: number;
  rank: number;
  highlight: string;
}

type PostRow = typeof Post.$inferType;

interface SearchEdge {
  cursor: string;
  node: PostRow;
  rank: number;
  highlight: string;
}

const PostSearchConnection = builder.connectionObject(
  { type: Post, name: "PostSearchConnection" },
  {
    name: "PostSearchEdge",
    fields: (t) => ({
      rank: t.float({
        description: "How well the post matches (ts_rank: title words weigh more than body words); edges come best first.",
        resolve: (edge) => (edge as unknown as SearchEdge).rank,
      }),
      highlight: t.string({
        description: "A short excerpt of the body with the matching words between <mark> and </mark>. The rest is HTML-escaped, so it can be shown as HTML.",
        resolve: (edge) => (edge as unknown as SearchEdge).highlight,
      }),
    }),
  },
);

/**
 * The ids, ranks and excerpts of one page of matches, best first (id breaks
 * ties), after the cursor's (rank, id). Published posts only. The match
 * goes through posts_search_vector_idx; ranking needs every match's rank,
 * so its cost follows the number of matches, and only the page's rows get
 * an excerpt.
 */
function searchSql(query: string, limit: number, after: [number, number] | null): Prisma.Sql {
  const keyset = after
    ? Prisma.sql`AND (ts_rank("p"."search_vector", "q")::float8 < ${after[0]}::float8
               OR (ts_rank("p"."search_vector", "q")::float8 = ${after[0]}::float8 AND "p"."id" < ${after[1]}))`
    : Prisma.empty;
  return Prisma.sql`
    SELECT "s"."id", "s"."rank",
           ts_headline('english', replace(replace(replace("p"."body", '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), "s"."q",
                       'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, MaxFragments=2') AS "highlight"
    FROM (
      SELECT "p"."id", ts_rank("p"."search_vector", "q")::float8 AS "rank", "q"
      FROM "posts" AS "p", websearch_to_tsquery('english', ${query}) AS "q"
      WHERE "p"."status" = 'PUBLISHED' AND "p"."search_vector" @@ "q" ${keyset}
      ORDER BY "rank" DESC, "p"."id" DESC
      LIMIT ${limit}
    ) AS "s"
    JOIN "posts" AS "p" ON "p"."id" = "s"."id"
    ORDER BY "s"."rank" DESC, "s"."id" DESC`;
}

builder.queryFields((t) => ({
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
    resolve: async (_root, args, ctx, info) => {
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw new BadUserInputError(`"first" must be from 0 to ${MAX_PAGE_SIZE}.`, "first");
      const query = args.query.trim();
      // A cursor belongs to its query: one from another search is foreign.
      const scope = `Query.search|${query}`;
      const after = args.after ? (ctx.services.cursors.decode(scope, args.after, "after") as [number, number]) : null;
      if (after && (typeof after[0] !== "number" || typeof after[1] !== "number")) throw new BadUserInputError('"after" is not a cursor of this list.', "after");
      const hits = first === 0 || !query ? [] : await ctx.sql.query<SearchHit>(searchSql(query, first + 1, after));
      const page = hits.slice(0, first);
      // The posts themselves with the selection the document plans (columns, relations), in one statement.
      const rows = page.length
        ? ((await ctx.db.post.findMany({
            ...(queryFromInfo({ context: ctx, info, path: ["edges", "node"] }) as object),
            where: { id: { in: page.map((hit) => hit.id) } },
          })) as unknown as PostRow[])
        : [];
      const byId = new Map(rows.map((row) => [row.id, row]));
      const edges: SearchEdge[] = page.map((hit) => ({
        cursor: ctx.services.cursors.encode(scope, [hit.rank, hit.id]),
        node: byId.get(hit.id)!,
        rank: hit.rank,
        highlight: hit.highlight,
      }));
      return {
        edges,
        pageInfo: {
          hasNextPage: hits.length > first,
          hasPreviousPage: after !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
}));
