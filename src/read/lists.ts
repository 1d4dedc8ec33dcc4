import type { GraphQLResolveInfo } from "graphql";
import { connectionOf, type Connection } from "./connection.js";
import type { CursorValue } from "./cursors.js";
import { listPlan } from "./plans.js";
import { recordNodePlan } from "./bridge.js";
import { loadCounts, loadPage, loadPages, type PageRow, type PageSource } from "./page-query.js";
import type { NodeTypeRef, ReadContext } from "./reader.js";
import { pageWindow, type PageArgs } from "./window.js";

/**
 * Resolvers of paged connection fields (Relay's `t.connection`, or a field
 * of a connection type that pages forward only, like `search`).
 *
 * plugin-prisma still plans what the document asks of the nodes (only the
 * requested columns, and their relations; src/read/bridge.ts), and the plan
 * is recorded for each execution, so the node fields below resolve from the
 * rows we load instead of loading again. The rows are read by one SQL
 * statement per list in the document, for the whole response
 * (src/read/page-query.ts), and that statement reads only the rows of each
 * page.
 *
 * The node type is given as its Pothos ref: its name is what gets planned,
 * and its row type is what the nodes are, since the rows carry what the
 * planned selection asked for, which is all the node type's fields read.
 */
export function rootListResolver<SourceArgs, Node extends NodeTypeRef>(source: PageSource<SourceArgs>, node: Node) {
  return (_root: unknown, args: PageArgs & SourceArgs, ctx: ReadContext, info: GraphQLResolveInfo): Promise<Connection<Node["$inferType"]>> =>
    resolvePage(source, node.name, null, args, ctx, info);
}

/** The same for a list under a parent row, keyed by the parent's id and batched across parents. */
export function nestedListResolver<SourceArgs, Node extends NodeTypeRef>(source: PageSource<SourceArgs>, node: Node) {
  return (parent: { id: number }, args: PageArgs & SourceArgs, ctx: ReadContext, info: GraphQLResolveInfo): Promise<Connection<Node["$inferType"]>> =>
    resolvePage(source, node.name, parent.id, args, ctx, info);
}

function resolvePage<SourceArgs, Node>(
  source: PageSource<SourceArgs>,
  typeName: string,
  parentKey: number | null,
  args: PageArgs & SourceArgs,
  ctx: ReadContext,
  info: GraphQLResolveInfo,
): Promise<Connection<Node>> {
  const { reader } = ctx;
  const scope = source.scope(args, parentKey);
  const window = pageWindow(args, (cursor, field) => reader.cursors.decode(scope, cursor, field));
  const encode = (keys: readonly CursorValue[]) => reader.cursors.encode(scope, keys);
  if (parentKey === null) {
    const plan = listPlan(ctx, info, typeName, source.model);
    recordNodePlan(ctx, info, plan.nodes);
    return loadPage(reader.sql, { source, args, viewer: reader.viewer, window, selection: plan.selection }).then((rows) => connectionOf<Node>(rows, window, encode));
  }
  // One loader per list occurrence; the plan is recorded for every parent's execution.
  const list = reader.pages.list<PageRow[]>(
    info.fieldNodes[0]!,
    info.parentType.name,
    () => listPlan(ctx, info, typeName, source.model),
    (plan) => (parentKeys) => loadPages(reader.sql, { source, args, viewer: reader.viewer, window, selection: plan.selection }, parentKeys),
  );
  recordNodePlan(ctx, info, list.plan.nodes);
  // Counted only when asked for, for every parent at this place in one statement.
  const totalCount = () =>
    reader.pages
      .counter(info.fieldNodes[0]!, info.parentType.name, (parentKeys) => loadCounts(reader.sql, { source, args, viewer: reader.viewer }, parentKeys))
      .load(parentKey);
  return list.loader.load(parentKey).then((rows) => connectionOf<Node>(rows, window, encode, totalCount));
}
