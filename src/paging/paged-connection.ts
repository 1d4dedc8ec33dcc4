import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import { connectionOf, type Connection } from "./connection.js";
import type { CursorValue } from "./cursors.js";
import { listPlan } from "./list-plans.js";
import { recordNodePlan } from "./node-plan.js";
import { loadCounts, loadPage, loadPages, type PageRow, type PageSource } from "./page-query.js";
import { pageWindow, type PageArgs } from "./window.js";

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
    const plan = listPlan(ctx, info, typeName, source.model);
    recordNodePlan(ctx, info, plan.nodes);
    return loadPage(ctx.sql, source, args, ctx.viewer, window, plan.selection).then((rows) => connectionOf(rows, window, encode));
  }
  // One loader per list occurrence; the plan is recorded for every parent's execution.
  const list = ctx.pages.list<PageRow[]>(
    info.fieldNodes[0]!,
    info.parentType.name,
    () => listPlan(ctx, info, typeName, source.model),
    (plan) => (parentKeys) => loadPages(ctx.sql, source, args, ctx.viewer, window, plan.selection, parentKeys),
  );
  recordNodePlan(ctx, info, list.plan.nodes);
  // Counted only when asked for, for every parent at this place in one statement.
  const totalCount = () =>
    ctx.pages.counter(info.fieldNodes[0]!, info.parentType.name, (parentKeys) => loadCounts(ctx.sql, source, args, ctx.viewer, parentKeys)).load(parentKey);
  return list.loader.load(parentKey).then((rows) => ({ ...connectionOf(rows, window, encode), totalCount }));
}
