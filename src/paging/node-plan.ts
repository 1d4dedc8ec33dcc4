import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Plan, setRowMappings, type Mappings } from "@pothos/selection-mapper";
import type { GraphQLResolveInfo } from "graphql";
import type { PlannedQuery } from "../db/sql/selection.js";

/**
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

/**
 * Plans the rows a field returns: the nodes under `edges.node` of a
 * connection field, or (`"row"`) the object the field itself returns.
 */
export function planNodes(context: object, info: GraphQLResolveInfo, typeName: string, shape: "list" | "row" = "list"): NodePlan {
  const plan = Plan.fromInfo(prismaAdapter as never, {
    context,
    info,
    typeName,
    ...(shape === "list" ? { paths: [["edges", "node"]] } : {}),
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
