import {
  BREAK,
  getNamedType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from "graphql";
import type { ModelName } from "./model.js";
import { compileSelection, type CompiledSelection } from "./compile.js";
import { planNodes, planReadsArguments, type NodePlan, type RowShape } from "./bridge.js";

/**
 * A list field's node plan and the SQL selection compiled from it (or a
 * single-row field's: src/read/lookup.ts).
 *
 * Both depend only on the document (Yoga's parser cache hands every request
 * for the same query the same field nodes) unless a variable below the
 * field can change the selection, for example in `@include(if: $flag)`
 * (constantSelection). So they are
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
const constantSelections = new WeakMap<FieldNode, Map<string, boolean>>();

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
  const field = constantSelection(info);
  if (!field) return make();
  let byParent = plans.get(field);
  if (!byParent) {
    byParent = new Map();
    plans.set(field, byParent);
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
 * The field node to keep a plan with, when what the document selects below
 * the field is the same for every request of that document (null when it
 * is not, or when the field is selected by more than one node): also
 * src/read/prefetch.ts.
 *
 * A variable below the field changes that selection only in two places: a
 * directive that decides whether a selection is there at all (`@include`,
 * `@skip`, `@defer(if:)`), and an argument of a field whose selection is
 * computed from its arguments (src/read/bridge.ts). A variable anywhere
 * else, like the cursor of a nested list (`comments(first: 20, after:
 * $after)`), reaches only resolvers, and a nested list plans its own rows.
 * Decided once per field node and parent type, through its fragments too.
 */
export function constantSelection(info: GraphQLResolveInfo): FieldNode | null {
  const [field] = info.fieldNodes;
  if (info.fieldNodes.length !== 1) return null;
  let byParent = constantSelections.get(field!);
  if (!byParent) {
    byParent = new Map();
    constantSelections.set(field!, byParent);
  }
  let constant = byParent.get(info.parentType.name);
  if (constant === undefined) {
    constant = variablesLeavePlanAlone(info, field!);
    byParent.set(info.parentType.name, constant);
  }
  return constant ? field! : null;
}

function variablesLeavePlanAlone({ schema, fragments, returnType }: GraphQLResolveInfo, field: FieldNode): boolean {
  let constant = true;
  const seen = new Set<string>();
  const check = (node: SelectionSetNode | FragmentDefinitionNode, typeInfo: TypeInfo) => {
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Variable() {
          const definition = typeInfo.getFieldDef();
          if (typeInfo.getDirective() || !definition || planReadsArguments(definition)) {
            constant = false;
            return BREAK;
          }
          return undefined;
        },
        FragmentSpread(spread) {
          const fragment = fragments[spread.name.value];
          if (fragment && !seen.has(fragment.name.value)) {
            seen.add(fragment.name.value);
            check(fragment, new TypeInfo(schema));
          }
        },
      }),
    );
  };
  if (field.selectionSet) check(field.selectionSet, new TypeInfo(schema, getNamedType(returnType)));
  return constant;
}
