import { GraphQLStreamDirective } from "@graphql-tools/utils";
import { getDirectiveValues, type GraphQLResolveInfo } from "graphql";
import { builder } from "../../builder.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import type { CompiledSelection } from "../../read/compile.js";
import { readChunk } from "../../read/chunks.js";
import { plannedRows } from "../../read/lookup.js";
import { streamInChunks } from "../../streaming/chunks.js";
import { demandOf } from "../../streaming/demand.js";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../errors.js";
import { Post } from "../post/types.js";
import { requireViewer } from "../viewer.js";
import { AdminPostFilter, postCriteriaOf } from "./types.js";
import { postConditions, type AdminPostFilter as Filter } from "./lists.js";

/** What a Post's fields read from its row (the type-level select in src/schema/post/types.ts), plus what was planned. */
type PostRow = Prisma.PostGetPayload<{ select: { id: true; authorId: true; status: true; title: true; slug: true; commentCount: true } }>;

/** Posts read per chunk, in one statement with the planned columns and relations. */
export const EXPORT_CHUNK_SIZE = 500;

/** The field's active `@stream` arguments, if it is asked for with one. */
function streamOf(info: GraphQLResolveInfo): { initialCount?: number } | undefined {
  for (const node of info.fieldNodes) {
    const stream = getDirectiveValues(GraphQLStreamDirective, node, info.variableValues);
    if (stream !== undefined && stream.if !== false) return stream as { initialCount?: number };
  }
  return undefined;
}

builder.queryFields((t) => ({
  exportPosts: t.field({
    type: [Post],
    description:
      "Admins only: every post the filter matches (all of them without one), drafts included, oldest first. It must be asked for with `@stream`: the posts arrive as they are read, " +
      `${EXPORT_CHUNK_SIZE} at a time, and the server never holds more than a chunk. Without \`@stream\` it is BAD_USER_INPUT.`,
    authScopes: { admin: true },
    args: { filter: t.arg({ type: AdminPostFilter }) },
    resolve: (_root, { filter }, ctx, info) => {
      requireViewer(ctx);
      const stream = streamOf(info);
      if (!stream) throw new BadUserInputError('"exportPosts" returns every post: ask for it with @stream.', "exportPosts");
      // The first part is read before the client can take any: it is bounded like a chunk.
      if ((stream.initialCount ?? 0) > EXPORT_CHUNK_SIZE) {
        throw new BadUserInputError(`"exportPosts" takes an @stream initialCount of at most ${EXPORT_CHUNK_SIZE}.`, "exportPosts");
      }
      const criteria = postCriteriaOf(filter);
      // Planned once from the document, as the paged lists are: the columns and
      // relations the posts' fields need, compiled to SQL and read on the driver.
      return exported(ctx, criteria, plannedRows(ctx, info, Post.name, "Post"));
    },
  }),
}));

async function* exported(ctx: Context, filter: Filter, selection: CompiledSelection) {
  let rows = 0;
  const startedAt = performance.now();
  let finished = false;
  let abandoned = false;
  const demand = demandOf(ctx);
  try {
    for await (const row of streamInChunks({
      ready: async () => {
        abandoned = !(await demand.ready(ctx.signal));
        return !abandoned;
      },
      readChunk: async (afterId) => {
        const rows = await readChunk(ctx.reader.sql, { from: Prisma.sql`"posts" AS "x"`, where: postConditions(filter) }, selection, afterId, EXPORT_CHUNK_SIZE);
        // Each row carries what the planned selection asked for, as a Prisma row would.
        return { rows: rows as PostRow[], full: rows.length === EXPORT_CHUNK_SIZE };
      },
    })) {
      rows += 1;
      yield row;
    }
    finished = !abandoned;
  } finally {
    // Runs when the last post is sent, and also when the client goes away mid-stream
    // (the executor returns the generator), so an abandoned export reads no further.
    ctx.log.info(finished ? "export finished" : "export stopped", {
      rows,
      durationMs: Math.round(performance.now() - startedAt),
    });
  }
}
