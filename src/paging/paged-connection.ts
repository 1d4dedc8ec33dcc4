import { queryFromInfo } from "@pothos/plugin-prisma";
import { cacheKey } from "@pothos/selection-mapper";
import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "../context.js";
import { compileSelection, type CompiledSelection, type PlannedQuery } from "../db/sql/selection.js";
import { connectionOf, type Connection } from "./connection.js";
import type { CursorValue } from "./cursors.js";
import { loadPage, loadPages, type PageRow, type PageSource } from "./page-query.js";
import { pageWindow, type PageArgs, type PageWindow } from "./window.js";

/**
 * Resolvers of paged connection fields (Relay's `t.connection`).
 *
 * plugin-prisma still plans what the document asks of the nodes (only the
 * requested columns, and their relations); `queryFromInfo` hands us that
 * plan and records it, so the node fields below resolve from the rows we
 * load instead of loading again. The rows are read by one SQL statement per
 * list in the document, for the whole response (src/paging/page-query.ts),
 * and that statement reads only the rows of each page.
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
  // Every execution records the plan for its own rows; the SQL is compiled once per list.
  const planned = queryFromInfo({ context: ctx, info, typeName, path: ["edges", "node"], select: {} }) as PlannedQuery;
  if (parentKey === null) {
    const selection = compileSelection(source.model, planned, "t");
    return loadPage(ctx.db, source, args, ctx.viewer, window, selection).then((rows) => connectionOf(rows, window, encode));
  }
  const loader = ctx.pages.loader<PageRow[]>(
    `${cacheKey(info.parentType.name, info.path)}|${JSON.stringify(args)}`,
    pagesOf(ctx, source, args, window, planned),
  );
  return loader.load(parentKey).then((rows) => connectionOf(rows, window, encode));
}

/** The batch function of one nested list: the pages of every parent, in one statement. */
function pagesOf<SourceArgs>(ctx: Context, source: PageSource<SourceArgs>, args: SourceArgs, window: PageWindow, planned: PlannedQuery) {
  let selection: CompiledSelection | undefined;
  return (parentKeys: readonly number[]) => {
    selection ??= compileSelection(source.model, planned, "t");
    return loadPages(ctx.db, source, args, ctx.viewer, window, selection, parentKeys);
  };
}
