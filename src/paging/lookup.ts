import type { GraphQLResolveInfo } from "graphql";
import type { Viewer } from "../auth/tokens.js";
import type { Context } from "../context.js";
import { Prisma } from "../db/generated/prisma/client.js";
import { columnRef, type ModelName } from "../db/sql/model.js";
import { listPlan } from "./list-plans.js";
import { recordNodePlan } from "./node-plan.js";
import type { PageBranch } from "./page-query.js";

/**
 * The single-row counterpart of a paged list: a field that finds one row by
 * a unique key (`post(slug:)`, `tag(name:)`), planned by plugin-prisma and
 * read in one statement with the same compiled selection, through the
 * request's SQL runner. `where` must name at most one row.
 */
export interface RowSource<Args> {
  readonly model: ModelName;
  /** The row's table as `x`, and the conditions that pick it (visibility included). */
  find(input: { viewer: Viewer | null; args: Args }): PageBranch | null;
}

export function lookupResolver<Args>(source: RowSource<Args>, typeName: string) {
  return async (_root: unknown, args: Args, ctx: Context, info: GraphQLResolveInfo) => {
    const found = source.find({ viewer: ctx.viewer, args });
    if (!found) return null;
    const plan = listPlan(ctx, info, typeName, source.model, "row");
    recordNodePlan(ctx, info, plan.nodes);
    const columns = Prisma.join(plan.selection.sourceColumns.map((column) => columnRef("x", column)), ", ");
    const where = found.where.length ? Prisma.join(found.where, " AND ") : Prisma.sql`TRUE`;
    const [row] = await ctx.sql.query(
      Prisma.sql`SELECT ${plan.selection.selectList} FROM (SELECT ${columns} FROM ${found.from} WHERE ${where} LIMIT 1) AS "t"`,
    );
    // The row carries what the planned selection asked for, as a Prisma row would.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return row ? (plan.selection.decode(row) as any) : null;
  };
}
