import type { GraphQLResolveInfo } from "graphql";
import type { Viewer } from "../auth/tokens.js";
import { Prisma } from "../db/generated/prisma/client.js";
import type { CompiledSelection } from "./compile.js";
import type { ModelName } from "./model.js";
import { listPlan, type ListPlan } from "./plans.js";
import { pageAhead } from "./prefetch.js";
import { recordNodePlan, type RowShape } from "./bridge.js";
import type { PageBranch } from "./page-query.js";
import type { NodeTypeRef, ReadContext } from "./reader.js";

/**
 * The single-row counterpart of a paged list: a field that finds one row by
 * a unique key (`post(slug:)`, `tag(name:)`), planned by plugin-prisma and
 * read in one statement with the same compiled selection, through the
 * request's SQL runner. `where` must name at most one row.
 */
export interface RowSource<Args> {
  readonly model: ModelName;
  /** The row's table as `x`, and the conditions that pick it (the domain's access rule included); null: nothing to find. */
  find(input: { viewer: Viewer | null; args: Args }): PageBranch | null;
}

export function lookupResolver<Args, Node extends NodeTypeRef>(source: RowSource<Args>, node: Node) {
  return (_root: unknown, args: Args, ctx: ReadContext, info: GraphQLResolveInfo): Promise<Node["$inferType"] | null> =>
    readRow(source, node, args, ctx, info);
}

/**
 * The row `source` finds, with what the document asks of it, and the first
 * page of the first nested list the document selects on it
 * (src/read/prefetch.ts), in one statement: a lookup field's answer, and a
 * mutation's payload read back through its transaction (then `ctx` is the
 * unit's).
 */
export async function readRow<Args, Node extends NodeTypeRef>(
  source: RowSource<Args>,
  node: Node,
  args: Args,
  ctx: ReadContext,
  info: GraphQLResolveInfo,
): Promise<Node["$inferType"] | null> {
  const found = source.find({ viewer: ctx.reader.viewer, args });
  if (!found) return null;
  const selection = plannedRows(ctx, info, node.name, source.model);
  const where = found.where.length ? Prisma.join(found.where, " AND ") : Prisma.sql`TRUE`;
  const row = Prisma.sql`(SELECT ${selection.sourceColumns} FROM ${found.from} WHERE ${where} LIMIT 1) AS "t"`;
  const ahead = pageAhead(ctx, info, source.model);
  const rows = await ctx.reader.sql.query(
    ahead
      ? Prisma.sql`SELECT ${selection.selectList}, ${ahead.columns} FROM ${row}`
      : Prisma.sql`SELECT ${selection.selectList} FROM ${row}`,
  );
  if (!rows[0]) return null;
  ahead?.keep(rows);
  return selection.decode(rows[0]) as Node["$inferType"];
}

/**
 * The selection for the rows a field returns itself (one row, or a list
 * that is not a connection, like the streamed export), planned from the
 * document and recorded for this execution so the fields below read from
 * the rows. Wrap the row source as `SELECT selectList FROM (…) AS "t"`,
 * with the source giving `selection.sourceColumns` of the model's table as `x`.
 */
export function plannedRows(ctx: ReadContext, info: GraphQLResolveInfo, typeName: string, model: ModelName): CompiledSelection {
  const plan = listPlan(ctx, info, typeName, model, "row");
  recordNodePlan(ctx, info, plan.nodes);
  return plan.selection;
}

/**
 * The rows of a subscription field, which its stream reads itself: `plan`
 * gives the stream the selection the document asks for, and `resolve`, the
 * field's resolver, records that plan for each event's execution (each runs
 * in a context of its own), so the fields below read from the row.
 */
export function streamedRows<Payload>(typeName: string, model: ModelName, shape: RowShape) {
  const plan = (ctx: ReadContext, info: GraphQLResolveInfo): ListPlan => listPlan(ctx, info, typeName, model, shape);
  return {
    plan,
    resolve: (payload: Payload, _args: unknown, ctx: ReadContext, info: GraphQLResolveInfo): Payload => {
      recordNodePlan(ctx, info, plan(ctx, info).nodes);
      return payload;
    },
  };
}
