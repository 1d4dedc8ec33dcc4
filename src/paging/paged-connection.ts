import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import { compileSelection } from "../db/sql/selection.js";
import { connectionOf, type Connection } from "./connection.js";
import type { CursorValue } from "./cursors.js";
import { planNodes, recordNodePlan, type NodePlan } from "./node-plan.js";
import { loadPage, loadPages, type PageRow, type PageSource } from "./page-query.js";
import { pageWindow, type PageArgs, type PageWindow } from "./window.js";

/**
 * Resolvers of paged connection fields (Relay's `t.connection`).
 *
 * plugin-prisma still plans what the document asks of the nodes (only the
 * requested columns, and their relations; src/paging/node-plan.ts), and
 * the plan is recorded for each execution, so the node fields below resolve
 * from the rows we load instead of loading again. The rows are read by one
 * SQL statement per list in the document, for the whole response
 * (src/paging/page-query.ts), and that statement reads only the rows of
 * each page.
 */
export function rootListResolver<SourceArgs>(source: PageSource<SourceArgs>, typeName: string) {
  return (_root: unknown, args: PageArgs & SourceArgs, ctx: Context, info: GraphQLResolveInfo) =>
    resolvePage(source, typeName, null, args, ctx, info);
}

/** The same for a list under a parent row, keyed by the parent's id and batched across parents. */
export function nestedListResolver<SourceArgs>(source: PageSource<SourceArgs>, typeName: string) {
  return (parent: { id: number }, args: PageArgs & SourceArgs, ctx: Context, info: GraphQLResolveInfo) =>
    resolvePage(source, typeName, parent.id, args, ctx, info);
}

function resolvePage<SourceArgs>(
  source: PageSource<SourceArgs>,
  typeName: string,
  parentKey: number | null,
  args: PageArgs & SourceArgs,
  ctx: Context,
  info: GraphQLResolveInfo,
  // The rows carry what the planned selection asked for, which is all the node type's fields read;
  // that is a runtime fact TypeScript cannot see, so the node type is left to the field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<Connection<any>> {
  const scope = source.scope(args, parentKey);
  const { cursors } = ctx.services;
  const window = pageWindow(args, (cursor, field) => cursors.decode(scope, cursor, field));
  const encode = (keys: readonly CursorValue[]) => cursors.encode(scope, keys);
  if (parentKey === null) {
    const plan = planNodes(ctx, info, typeName);
    recordNodePlan(ctx, info, plan);
    const selection = compileSelection(source.model, plan.query, "t");
    return loadPage(ctx.db, source, args, ctx.viewer, window, selection).then((rows) => connectionOf(rows, window, encode));
  }
  // Planned and compiled once per list occurrence; recorded for every parent's execution.
  const list = ctx.pages.list<PageRow[]>(
    info.fieldNodes[0]!,
    info.parentType.name,
    () => planNodes(ctx, info, typeName),
    (plan) => pagesOf(ctx, source, args, window, plan),
  );
  recordNodePlan(ctx, info, list.plan);
  return list.loader.load(parentKey).then((rows) => connectionOf(rows, window, encode));
}

/** The batch function of one nested list: the pages of every parent, in one statement. */
function pagesOf<SourceArgs>(ctx: Context, source: PageSource<SourceArgs>, args: SourceArgs, window: PageWindow, plan: NodePlan) {
  const selection = compileSelection(source.model, plan.query, "t");
  return (parentKeys: readonly number[]) => loadPages(ctx.db, source, args, ctx.viewer, window, selection, parentKeys);
}
