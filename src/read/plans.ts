import { Kind, visit, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo } from "graphql";
import type { ModelName } from "./model.js";
import { compileSelection, type CompiledSelection } from "./compile.js";
import { planNodes, type NodePlan, type RowShape } from "./bridge.js";

/**
 * A list field's node plan and the SQL selection compiled from it (or a
 * single-row field's: src/read/lookup.ts).
 *
 * Both depend only on the document (Yoga's parser cache hands every request
 * for the same query the same field nodes) unless the selection below the
 * field uses a variable, for example in `@include(if: $flag)`. So they are
 * made once per field node and kept as long as the document is, and made
 * afresh per request only when a variable could change them. The node
 * types of paged lists plan the same for every viewer: what a viewer may
 * see is the page source's SQL, not the selection.
 */
export interface ListPlan {
  readonly nodes: NodePlan;
  readonly selection: CompiledSelection;
}

const plans = new WeakMap<FieldNode, Map<string, ListPlan>>();
const constantSelections = new WeakMap<FieldNode, boolean>();

export function listPlan(
  context: object,
  info: GraphQLResolveInfo,
  typeName: string,
  model: ModelName,
  shape: RowShape = "list",
): ListPlan {
  const make = (): ListPlan => {
    const nodes = planNodes(context, info, typeName, shape);
    return { nodes, selection: compileSelection(model, nodes.query, "t") };
  };
  const [field] = info.fieldNodes;
  if (info.fieldNodes.length !== 1 || !isConstantSelection(field!, info.fragments)) return make();
  let byParent = plans.get(field!);
  if (!byParent) {
    byParent = new Map();
    plans.set(field!, byParent);
  }
  const key = `${info.parentType.name}|${shape}`;
  let plan = byParent.get(key);
  if (!plan) {
    plan = make();
    byParent.set(key, plan);
  }
  return plan;
}

/**
 * Whether nothing below the field (through its fragments too) refers to a
 * variable: then what the document selects below it is the same for every
 * request of that document (also src/read/prefetch.ts).
 */
export function isConstantSelection(field: FieldNode, fragments: Record<string, FragmentDefinitionNode>): boolean {
  let constant = constantSelections.get(field);
  if (constant === undefined) {
    constant = true;
    const seen = new Set<string>();
    const check = (node: FieldNode | FragmentDefinitionNode) => {
      visit(node.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] }, {
        Variable: () => {
          constant = false;
        },
        FragmentSpread: (spread) => {
          const fragment = fragments[spread.name.value];
          if (fragment && !seen.has(fragment.name.value)) {
            seen.add(fragment.name.value);
            check(fragment);
          }
        },
      });
    };
    check(field);
    constantSelections.set(field, constant);
  }
  return constant;
}
