import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Plan, setRowMappings, type Mappings } from "@pothos/selection-mapper";
import { getNamedType, isObjectType, type GraphQLField, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import type { PlannedQuery } from "./compile.js";

/**
 * The read library's one door into Pothos and Prisma internals: every use
 * of an unexported module, an undocumented extension key or the
 * selection-mapper's cache is here, and test/read/bridge.test.ts fails
 * loudly when an upgrade changes any of them.
 *
 * What the document asks of a connection's nodes, as plugin-prisma plans
 * it: the Prisma selection (columns and relations) and the mappings that
 * tell the node fields below that their data is on the row.
 *
 * `queryFromInfo` does the same but walks the document again on every call,
 * and a nested list is resolved once per parent row: for 10 users with 5
 * posts each that is 60 walks of the same selection per request. So the
 * plan is made once per list occurrence and only its mappings are recorded
 * for each parent, as plugin-prisma's own per-row fallback does.
 *
 * plugin-prisma keeps the selection-mapper adapter that plans Prisma
 * queries to itself; it is loaded here by file, the one place this project
 * reaches inside a dependency. Its version is pinned in package.json, and
 * the statement-count tests fail if the plans stop matching (every node
 * field would then load its own data).
 */
interface PrismaPlanAdapter {
  toQuery(node: unknown): PlannedQuery;
}

const require = createRequire(import.meta.url);
const pluginDir = path.dirname(require.resolve("@pothos/plugin-prisma"));
const { prismaAdapter } = (await import(pathToFileURL(path.join(pluginDir, "../esm/util/adapter.js")).href)) as {
  prismaAdapter: PrismaPlanAdapter;
};

export interface NodePlan {
  readonly query: PlannedQuery;
  readonly mappings: Mappings;
}

const NOTHING_PLANNED: NodePlan = { query: { select: {} }, mappings: {} };

/** Where a field's rows are in what it returns: under `edges.node` (a connection), under `node` (one edge), or the object itself. */
export type RowShape = "list" | "edge" | "row";

const ROW_PATHS: Record<RowShape, string[][] | undefined> = { list: [["edges", "node"]], edge: [["node"]], row: undefined };

/** Plans the rows a field returns, found where `shape` says. */
export function planNodes(context: object, info: GraphQLResolveInfo, typeName: string, shape: RowShape = "list"): NodePlan {
  const paths = ROW_PATHS[shape];
  const plan = Plan.fromInfo(prismaAdapter as never, {
    context,
    info,
    typeName,
    ...(paths ? { paths } : {}),
    skipDeferredFragments: true,
    // Only the primary key when the document asks nothing of the nodes (just `pageInfo`, say).
    initial: { select: {} },
  });
  if (!plan) return NOTHING_PLANNED;
  if (typeof (plan as { then?: unknown }).then === "function") throw new Error(`${typeName}: a paged node type must plan synchronously`);
  const played = plan.play();
  return { query: prismaAdapter.toQuery(played.root), mappings: played.mappings };
}

/**
 * Tells the node fields under this execution of the connection field that
 * their rows were loaded by `plan`: plugin-prisma looks a field's mapping up
 * in the nearest scope above it, which for a node is this connection's.
 */
export function recordNodePlan(context: object, info: GraphQLResolveInfo, plan: NodePlan): void {
  setRowMappings(context, info, plan.mappings);
}

/**
 * Whether what a field adds to its parent row's query is computed from its
 * arguments: plugin-prisma calls a selection function (a relation's, or a
 * field's `select: (args, …) => …`) with them. A plain selection object
 * reads none.
 */
export function planReadsArguments(field: GraphQLField<unknown, unknown>): boolean {
  return typeof field.extensions?.pothosPrismaSelect === "function";
}

/** A field of a plugin-prisma object type that selects something from its parent's row. */
export interface SelectingField {
  readonly typeName: string;
  readonly model: string;
  readonly fieldName: string;
  /**
   * What the field adds to its parent row's query, probed at schema build
   * with empty arguments and an empty context; a string when it cannot be
   * known before a request arrives (why).
   */
  readonly selection: PlannedQuery | string;
}

type SelectFunction = (args: object, context: object, nested: (query: unknown) => unknown) => unknown;

/**
 * Every field of every plugin-prisma object type that selects from its
 * parent's row, read from the extensions plugin-prisma puts on the built
 * schema (`pothosPrismaModel` on the type, `pothosPrismaSelect` and
 * `pothosPrismaRelationField` on the field).
 */
export function selectingFields(schema: GraphQLSchema): SelectingField[] {
  const found: SelectingField[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const model = type.extensions?.pothosPrismaModel;
    if (typeof model !== "string") continue;
    // The type's own `select` is merged into every row of it, like a field's.
    const typeSelection = type.extensions?.pothosPrismaTypeSelection as { select?: Record<string, unknown> } | undefined;
    if (typeSelection?.select) found.push({ typeName: type.name, model, fieldName: "(the type's select)", selection: { select: typeSelection.select } });
    for (const field of Object.values(type.getFields())) {
      const extensions = (field.extensions ?? {}) as Record<string, unknown>;
      const select = extensions.pothosPrismaSelect as SelectFunction | Record<string, unknown> | false | undefined;
      if (!select) continue;
      const at = { typeName: type.name, model, fieldName: field.name };
      const returned = getNamedType(field.type);
      if (extensions.pothosPrismaRelationField && isObjectType(returned) && returned.getFields().edges) {
        found.push({ ...at, selection: "a related connection (t.relatedConnection) pages inside the parent's query" });
        continue;
      }
      found.push({ ...at, selection: typeof select === "function" ? probe(select) : asQuery(select) });
    }
  }
  return found;
}

/**
 * Calls a field's selection function as plugin-prisma would while planning:
 * the nested selection of a relation is asked for with the field's own
 * `query` option, which comes back as it is (so its arguments show), or
 * as the reason when it is a function of the request.
 */
function probe(select: SelectFunction): PlannedQuery | string {
  let dynamic = false;
  const nested = (query: unknown) => {
    if (typeof query === "function") {
      dynamic = true;
      return {};
    }
    return query === true || query == null ? {} : query;
  };
  try {
    const selection = select({}, {}, nested);
    if (dynamic) return "its query is a function of the request's arguments or context";
    if (selection && typeof (selection as { then?: unknown }).then === "function") return "its selection is asynchronous";
    return asQuery(selection as Record<string, unknown>);
  } catch (error) {
    return `its selection could not be read without a request (${error instanceof Error ? error.message : String(error)})`;
  }
}

function asQuery(selection: Record<string, unknown>): PlannedQuery {
  return "select" in selection || "include" in selection ? (selection as PlannedQuery) : { select: selection };
}
