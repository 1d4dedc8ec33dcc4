import type { GraphQLResolveInfo } from "graphql";
import { connectionOf, type Connection } from "./connection.js";
import type { CursorValue } from "./cursors.js";
import { listPlan } from "./plans.js";
import { recordNodePlan } from "./bridge.js";
import { listArgsKey, NESTED_LIST, type NestedListField } from "./nested-lists.js";
import { loadCounts, loadPage, loadPages, type PageRow, type PageSource } from "./page-query.js";
import { pagesAheadOfNodes } from "./prefetch.js";
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

/**
 * The options of a connection field listing rows under a parent row (spread
 * into `t.connection`): its resolver, keyed by the parent's id and batched
 * across parents, and an extension naming its source and node type, by which
 * a lookup or a root list finds the list to read its first page ahead
 * (src/read/prefetch.ts).
 */
export function nestedListField<SourceArgs, Node extends NodeTypeRef>(source: PageSource<SourceArgs>, node: Node) {
  // Its pages are read in batches across parents, where no turn of the costly reads is taken: refused when the schema is built.
  if (source.costFollowsMatches) throw new Error(`A list whose cost follows its matches is a root list only; ${node.name} is nested`);
  const list: NestedListField = { source: source as PageSource<unknown>, node };
  return {
    resolve: (parent: { id: number }, args: PageArgs & SourceArgs, ctx: ReadContext, info: GraphQLResolveInfo): Promise<Connection<Node["$inferType"]>> =>
      resolvePage(source, node.name, parent.id, args, ctx, info),
    extensions: { [NESTED_LIST]: list },
  };
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
    // With the first page of the first nested list the document selects on the nodes, if any.
    const ahead = pagesAheadOfNodes(ctx, info, source.model, window.size);
    const read = () => loadPage(reader.sql, { source, args, viewer: reader.viewer, window, selection: plan.selection }, ahead);
    return (source.costFollowsMatches ? reader.costlyReads.run(read) : read()).then((rows) => connectionOf<Node>(rows, window, encode));
  }
  // Counted only when asked for, for every parent at this place in one statement. A count no
  // trigger keeps reads every item of each parent's list: its cost follows the data, so it takes
  // a turn of the costly reads, like a search (async: a refusal is a rejection, which DataLoader
  // passes on as it is, not an error thrown from its batch function, which it rewraps).
  const totalCount = () =>
    reader.pages
      .counter(info.fieldNodes[0]!, info.parentType.name, async (parentKeys) => {
        const count = () => loadCounts(reader.sql, { source, args, viewer: reader.viewer }, parentKeys);
        return source.storedCount ? count() : reader.costlyReads.run(count);
      })
      .load(parentKey);
  // Read ahead in its parent's statement (a lookup's or a root list's, src/read/prefetch.ts), after the cursor was checked above.
  const ahead = reader.pages.takeAhead(info.fieldNodes[0]!, info.parentType.name, parentKey, listArgsKey(args));
  if (ahead) {
    recordNodePlan(ctx, info, listPlan(ctx, info, typeName, source.model).nodes);
    return Promise.resolve(connectionOf<Node>(ahead, window, encode, totalCount));
  }
  // One loader per list occurrence; the plan is recorded for every parent's execution.
  const list = reader.pages.list<PageRow[]>(
    info.fieldNodes[0]!,
    info.parentType.name,
    () => listPlan(ctx, info, typeName, source.model),
    (plan) => (parentKeys) => loadPages(reader.sql, { source, args, viewer: reader.viewer, window, selection: plan.selection }, parentKeys),
  );
  recordNodePlan(ctx, info, list.plan.nodes);
  return list.loader.load(parentKey).then((rows) => connectionOf<Node>(rows, window, encode, totalCount));
}
