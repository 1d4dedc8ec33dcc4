import { collectSubFields } from "@graphql-tools/utils";
import { getArgumentValues, getNamedType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { Prisma } from "../db/generated/prisma/client.js";
import { BadUserInputError } from "../errors.js";
import { compileSelection, type CompiledSelection } from "./compile.js";
import { listArgsKey, nestedListOf, type NestedListField } from "./lists.js";
import { columnRef, modelEntry, type ModelName } from "./model.js";
import { lateralPage, lateralPageRows, type PageRead } from "./page-query.js";
import { listPlan, type ListPlan } from "./plans.js";
import type { ReadContext } from "./reader.js";
import { pageWindow, type PageArgs } from "./window.js";

/**
 * A lookup's first nested page, read in the lookup's own statement:
 * `post(slug:) { comments(first: 20) { … } }` is one round trip, not the
 * post and then its page. The page is joined to the one row the lookup
 * finds (`LEFT JOIN LATERAL`), so it costs what the list's own page
 * statement costs, and the list's resolver takes it instead of loading it
 * (PageLoaders.takeAhead).
 *
 * The list's resolver still runs as always: it checks the arguments and the
 * cursor against the parent's scope first, and takes the rows only when
 * they were read for that parent with the very arguments it received.
 * Whatever it would refuse was read at most one page's worth and is thrown
 * away. That is why a cursor is only peeked here: its scope names the
 * parent, which the statement has not found yet, and its values go to SQL
 * as bound parameters of the sort keys' own types (or not at all).
 *
 * One list per lookup, the first the document selects: a second one in
 * the same statement would multiply the rows (one join per list), so it
 * loads its page itself.
 */
export interface PageAhead {
  /** Joins the page to the lookup's row, which the statement names `t`. */
  readonly join: Prisma.Sql;
  /** For the statement's select list, beside the row's own columns. */
  readonly columns: Prisma.Sql;
  readonly order: Prisma.Sql;
  /** Hands the page of the row the statement found to the list's resolver. */
  keep(rows: readonly Record<string, unknown>[]): void;
}

const ALIAS = "c";
/** Before every column of the page's selection, so none meets a column of the row's. */
const PREFIX = "__c_";

/** The first nested list `info`'s field selects on the row it finds, ready to read with it; null when there is none to read ahead. */
export function pageAhead(ctx: ReadContext, info: GraphQLResolveInfo, model: ModelName): PageAhead | null {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return null;
  // The executor's own grouping of the fields below (deferred ones apart), so the field nodes are
  // the ones its resolvers receive. It takes the variables as graphql 17 holds them; on 16 only
  // `coerced` is read.
  const variables = { coerced: info.variableValues, sources: {} };
  const { fields } = collectSubFields(info.schema, info.fragments, variables, type, info.fieldNodes as FieldNode[]);
  for (const [responseKey, fieldNodes] of fields) {
    const definition = type.getFields()[fieldNodes[0]!.name.value];
    const list = definition && nestedListOf(definition);
    if (!list) continue;
    const args = getArgumentValues(definition, fieldNodes[0]!, info.variableValues);
    const field: GraphQLResolveInfo = {
      ...info,
      fieldName: definition.name,
      fieldNodes,
      returnType: definition.type,
      parentType: type,
      path: { prev: info.path, key: responseKey, typename: type.name },
    };
    return readAhead(ctx, field, type, list, args, model);
  }
  return null;
}

function readAhead(
  ctx: ReadContext,
  info: GraphQLResolveInfo,
  parentType: GraphQLObjectType,
  list: NestedListField,
  args: Record<string, unknown>,
  model: ModelName,
): PageAhead | null {
  const { reader } = ctx;
  const plan = listPlan(ctx, info, list.node.name, list.source.model);
  const parentKey = columnRef("t", modelEntry(model).primaryKey[0]!);
  let read: PageRead<unknown>;
  let page: ReturnType<typeof lateralPage>;
  try {
    const window = pageWindow(args as PageArgs, (cursor, field) => reader.cursors.peek(cursor, field));
    read = { source: list.source, args, viewer: reader.viewer, window, selection: prefixed(plan, list.source.model) };
    page = lateralPage(read, parentKey, ALIAS);
  } catch (error) {
    // The list's resolver refuses these arguments with this very error; nothing to read ahead.
    if (error instanceof BadUserInputError) return null;
    throw error;
  }
  if (!page) return null;
  const field: FieldNode = info.fieldNodes[0]!;
  return {
    join: Prisma.sql`LEFT JOIN LATERAL (${page.rows}) AS ${Prisma.raw(`"${ALIAS}"`)} ON TRUE`,
    columns: Prisma.sql`${parentKey} AS "__parent", ${page.columns}`,
    order: page.order,
    keep(rows) {
      const [first] = rows;
      if (!first) return;
      reader.pages.keepAhead(field, {
        parentType: parentType.name,
        parentKey: first.__parent as number,
        args: listArgsKey(args),
        rows: lateralPageRows(rows, read),
      });
    },
  };
}

/** The plan's selection over the page's alias, its columns prefixed: made once per plan, like the plan's own. */
const prefixedSelections = new WeakMap<ListPlan, CompiledSelection>();

function prefixed(plan: ListPlan, model: ModelName): CompiledSelection {
  let selection = prefixedSelections.get(plan);
  if (!selection) {
    selection = compileSelection(model, plan.nodes.query, ALIAS, PREFIX);
    prefixedSelections.set(plan, selection);
  }
  return selection;
}
