import { GraphQLStreamDirective } from "@graphql-tools/utils";
import { getDirectiveValues, type GraphQLResolveInfo } from "graphql";
import { builder } from "../../builder.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../db/sql/model.js";
import type { CompiledSelection } from "../../db/sql/selection.js";
import { listPlan } from "../../paging/list-plans.js";
import { recordNodePlan } from "../../paging/node-plan.js";
import { streamInChunks } from "../../streaming/chunks.js";
import { demandOf } from "../../streaming/demand.js";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../errors.js";
import { databaseIdOf } from "../ids.js";
import { Post } from "../post/types.js";
import { requireViewer } from "../viewer.js";
import { AdminPostFilter } from "./inputs.js";
import { postChunk, type AdminPostFilter as Filter } from "./post-filter.js";

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
      const criteria: Filter = {
        ...filter,
        authorId: filter?.author == null ? null : databaseIdOf(String(filter.author), "User", "filter.author"),
      };
      // Planned once from the document, as the paged lists are (src/paging/lookup.ts): the
      // columns and relations the posts' fields need, compiled to SQL and read on the driver.
      const plan = listPlan(ctx, info, "Post", "Post", "row");
      recordNodePlan(ctx, info, plan.nodes);
      return exported(ctx, criteria, plan.selection);
    },
  }),
}));

async function* exported(ctx: Context, filter: Filter, selection: CompiledSelection) {
  const columns = Prisma.join(selection.sourceColumns.map((column) => columnRef("x", column)), ", ");
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
        const rows = await ctx.sql.query(
          Prisma.sql`SELECT ${selection.selectList} FROM (${postChunk(filter, afterId, EXPORT_CHUNK_SIZE, columns)}) AS "t" ORDER BY "t"."id"`,
        );
        // Each row carries what the planned selection asked for, as a Prisma row would.
        return { rows: rows.map((row) => selection.decode(row) as PostRow), full: rows.length === EXPORT_CHUNK_SIZE };
      },
    })) {
      rows += 1;
      yield row;
    }
    finished = !abandoned;
  } finally {
    // Runs when the last post is sent, and also when the client goes away mid-stream
    // (the executor returns the generator), so an abandoned export reads no further.
    ctx.services.logger.info(finished ? "export finished" : "export stopped", {
      requestId: ctx.requestId,
      rows,
      durationMs: Math.round(performance.now() - startedAt),
    });
  }
}
