import { collectSubFields } from "@graphql-tools/utils";
import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
} from "graphql";
import { Prisma } from "../db/generated/prisma/client.js";
import { BadUserInputError } from "../errors.js";
import { compileSelection, type CompiledSelection } from "./compile.js";
import { listArgsKey, nestedListOf, type NestedListField } from "./nested-lists.js";
import { columnRef, modelEntry, type ModelName } from "./model.js";
import { aheadPage, type PagesAhead, type PageRead, type PageRow } from "./page-query.js";
import { constantSelection, listPlan, type ListPlan } from "./plans.js";
import type { ReadContext } from "./reader.js";
import { pageWindow, type PageArgs } from "./window.js";

/**
 * Reading ahead: the first page of the first nested list the document
 * selects on a row, read in the statement that reads the row. For a lookup,
 * `post(slug:) { comments(first: 20) { … } }` is one round trip, not the
 * post and then its page; for a root list, `users(first: 10) { edges { node
 * { posts(first: 5) { … } } } }` reads the users and their pages of posts
 * in one. The page is a JSON column of each row (src/read/page-query.ts,
 * aheadPage), a subquery that walks the list's index like the list's own
 * page statement and costs what it costs, and the list's resolver takes it
 * instead of loading it (PageLoaders.takeAhead).
 *
 * The list's resolver still runs as always: it checks the arguments and the
 * cursor against the parent's scope first, and takes the rows only when
 * they were read for that parent with the very arguments it received.
 * Whatever it would refuse was read at most one page's worth and is thrown
 * away. That is why a cursor is only peeked here: its scope names the
 * parent, which the statement has not found yet, and its values go to SQL
 * as bound parameters of the sort keys' own types (or not at all).
 *
 * One list per row, the first the document selects, and so on down: the
 * rows of a page read ahead carry the first page of the first list selected
 * on them, for the rows the page answers (not the one more that says more
 * follow), so `users(first: 10) { … posts(first: 5) { … comments(first: 5)
 * { … } } }` is one statement. A second list on a row loads its pages
 * itself, one statement per list occurrence for the whole response.
 */

/** For a lookup: the first nested list selected on the row `info`'s field returns, to read with it. */
export function pageAhead(ctx: ReadContext, info: GraphQLResolveInfo, model: ModelName): PagesAhead | null {
  const target = nestedTarget(info, lookupTargets, () => {
    const type = getNamedType(info.returnType);
    return isObjectType(type) ? firstNestedList(info, type, info.fieldNodes) : null;
  });
  return target && readAhead(ctx, info, target, model, null);
}

/**
 * For a root list: the first nested list selected on its nodes
 * (`edges { node { … } }`, selected once), to read with the page, for the
 * first `size` rows only (the one more, which only says whether more
 * follow, is not answered). The page statement numbers its rows `__n`.
 */
export function pagesAheadOfNodes(ctx: ReadContext, info: GraphQLResolveInfo, model: ModelName, size: number): PagesAhead | null {
  const target = nestedTarget(info, connectionTargets, () => nodesTarget(info, info.returnType, info.fieldNodes));
  return target && readAhead(ctx, info, target, model, size);
}

/** The first nested list selected on the nodes of a connection (`edges { node { … } }`, each selected once) that `fieldNodes` return. */
function nodesTarget(info: GraphQLResolveInfo, returnType: GraphQLOutputType, fieldNodes: readonly FieldNode[]): NestedTarget | null {
  const connection = getNamedType(returnType);
  if (!isObjectType(connection)) return null;
  const edges = onlyField(info, connection, fieldNodes, "edges");
  const node = edges && onlyField(info, edges.type, edges.fieldNodes, "node");
  return node && firstNestedList(info, node.type, node.fieldNodes);
}

/** A nested list the document selects, as its resolver will see it. */
interface NestedTarget {
  readonly responseKey: string;
  readonly parentType: GraphQLObjectType;
  readonly fieldNodes: FieldNode[];
  readonly definition: GraphQLField<unknown, unknown>;
  readonly list: NestedListField;
}

/**
 * Which nested list a field's document reads ahead: found by walking the
 * selection, once per field node when nothing below it depends on a
 * variable (like the list plans, src/read/plans.ts), since that walk would
 * otherwise cost every request of a list with no nested list at all.
 */
const lookupTargets = new WeakMap<FieldNode, NestedTarget | null>();
const connectionTargets = new WeakMap<FieldNode, NestedTarget | null>();

function nestedTarget(
  info: GraphQLResolveInfo,
  cache: WeakMap<FieldNode, NestedTarget | null>,
  find: () => NestedTarget | null,
): NestedTarget | null {
  const field = constantSelection(info);
  if (!field) return find();
  let target = cache.get(field);
  if (target === undefined) {
    target = find();
    cache.set(field, target);
  }
  return target;
}

/**
 * The fields below `fieldNodes` on `type`, grouped by response key as the
 * executor groups them (deferred ones apart), so the field nodes are the
 * ones its resolvers receive. It takes the variables as graphql 17 holds
 * them; on 16 only `coerced` is read.
 */
function subfields(info: GraphQLResolveInfo, type: GraphQLObjectType, fieldNodes: readonly FieldNode[]): Map<string, FieldNode[]> {
  const variables = { coerced: info.variableValues, sources: {} };
  return collectSubFields(info.schema, info.fragments, variables, type, fieldNodes as FieldNode[]).fields;
}

/** The one response key selecting the object field `name` on `type`; null when none does, or several (aliases). */
function onlyField(info: GraphQLResolveInfo, type: GraphQLObjectType, fieldNodes: readonly FieldNode[], name: string) {
  const found = [...subfields(info, type, fieldNodes).values()].filter((nodes) => nodes[0]!.name.value === name);
  const field = type.getFields()[name];
  const returned = field && getNamedType(field.type);
  return found.length === 1 && isObjectType(returned) ? { type: returned, fieldNodes: found[0]! } : null;
}

function firstNestedList(info: GraphQLResolveInfo, type: GraphQLObjectType, fieldNodes: readonly FieldNode[]): NestedTarget | null {
  for (const [responseKey, nodes] of subfields(info, type, fieldNodes)) {
    const definition = type.getFields()[nodes[0]!.name.value];
    const list = definition && nestedListOf(definition);
    if (list) return { responseKey, parentType: type, fieldNodes: nodes, definition, list };
  }
  return null;
}

function readAhead(
  ctx: ReadContext,
  info: GraphQLResolveInfo,
  target: NestedTarget,
  model: ModelName,
  /** The rows of the statement that are answered (by their number `__n`), when it reads more than one; null: its one row. */
  rowsAnswered: number | null,
): PagesAhead | null {
  const parentKey = columnRef("t", modelEntry(model).primaryKey[0]!);
  const guard = rowsAnswered === null ? null : Prisma.sql`"t"."__n" <= ${rowsAnswered}`;
  const ahead = aheadLevel(ctx, info, target, parentKey, guard, 1);
  if (!ahead) return null;
  return {
    columns: Prisma.sql`${parentKey} AS "__parent", ${guard ? Prisma.sql`"t"."__n", ` : Prisma.empty}${ahead.page.column}`,
    keep(rows) {
      for (const row of rows) {
        if (rowsAnswered === null || (row.__n as number) <= rowsAnswered) ahead.collect(row.__parent as number, ahead.page.ofRow(row));
      }
      ahead.keep();
    },
  };
}

/** One list read ahead: its page under each enclosing row, and the pages read, which `keep` hands to the list's resolvers. */
interface AheadLevel {
  readonly page: NonNullable<ReturnType<typeof aheadPage>>;
  /** Takes the page read under the enclosing row `parentKey` (its parsed value), and the pages below it. */
  collect(parentKey: number, raw: unknown): void;
  keep(): void;
}

/**
 * The page of `target` under `parent` (a row of an enclosing statement, or
 * of an enclosing page), read only where `guard` holds; and, below its
 * rows, the first page of the first list the document selects on its nodes,
 * and so on down, each level read for the rows its level above answers.
 */
function aheadLevel(
  ctx: ReadContext,
  info: GraphQLResolveInfo,
  { responseKey, parentType: type, fieldNodes, definition, list }: NestedTarget,
  parent: Prisma.Sql,
  guard: Prisma.Sql | null,
  depth: number,
): AheadLevel | null {
  const args = getArgumentValues(definition, fieldNodes[0]!, info.variableValues);
  // What the list's resolver will be given, as far as planning reads it.
  const field: GraphQLResolveInfo = {
    ...info,
    fieldName: definition.name,
    fieldNodes,
    returnType: definition.type,
    parentType: type,
    path: { prev: info.path, key: responseKey, typename: type.name },
  };
  const { reader } = ctx;
  const { model } = list.source;
  const alias = `c${depth}`;
  const plan = listPlan(ctx, field, list.node.name, model);
  let below: AheadLevel | null = null;
  const inner = (answered: Prisma.Sql) => {
    const next = nestedTarget(field, connectionTargets, () => nodesTarget(field, definition.type, fieldNodes));
    below = next && aheadLevel(ctx, field, next, columnRef(alias, modelEntry(model).primaryKey[0]!), answered, depth + 1);
    return below?.page.value ?? null;
  };
  let page: ReturnType<typeof aheadPage>;
  try {
    const window = pageWindow(args as PageArgs, (cursor, argument) => reader.cursors.peek(cursor, argument));
    const read: PageRead<unknown> = { source: list.source, args, viewer: reader.viewer, window, selection: aheadSelection(plan, model, alias) };
    page = aheadPage(read, parent, alias, guard, inner);
  } catch (error) {
    // The list's resolver refuses these arguments with this very error; nothing to read ahead.
    if (error instanceof BadUserInputError) return null;
    throw error;
  }
  if (!page) return null;
  const pages = new Map<number, PageRow[]>();
  const { decode } = page;
  // Set by `inner` while the page's SQL was built, which the compiler cannot see.
  const nested = below as AheadLevel | null;
  return {
    page,
    collect(parentKey, raw) {
      const { rows, inner: innerPages } = decode(raw);
      pages.set(parentKey, rows);
      // A node's id is its parent key below: a nested list's resolver pages under `parent.id`.
      if (nested) for (const [i, innerPage] of innerPages.entries()) nested.collect(rows[i]!.node.id as number, innerPage);
    },
    keep() {
      reader.pages.keepAhead(fieldNodes[0]!, { parentType: type.name, args: listArgsKey(args), pages });
      nested?.keep();
    },
  };
}

/** The plan's selection over a page's alias: made once per plan and alias, like the plan's own. */
const aheadSelections = new WeakMap<ListPlan, Map<string, CompiledSelection>>();

function aheadSelection(plan: ListPlan, model: ModelName, alias: string): CompiledSelection {
  let byAlias = aheadSelections.get(plan);
  if (!byAlias) {
    byAlias = new Map();
    aheadSelections.set(plan, byAlias);
  }
  let selection = byAlias.get(alias);
  if (!selection) {
    selection = compileSelection(model, plan.nodes.query, alias);
    byAlias.set(alias, selection);
  }
  return selection;
}
