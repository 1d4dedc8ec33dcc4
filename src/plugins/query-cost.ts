import { complexityFromQuery } from "@pothos/plugin-complexity";
import {
  getNamedType,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isListType,
  Kind,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { PothosValidationError } from "@pothos/core";
import { refusal } from "../errors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../read/window.js";

/**
 * The most items one operation may ask for, counted by fieldCost: a field
 * costs 1, and what it selects costs once per item it can return. The
 * benchmark's users(10) -> posts(5) -> comments(5) -> author costs 1,491;
 * 100 posts' titles with 20 comments each, their bodies and authors, 10,401;
 * 100 posts with 100 comments each, 30,401.
 */
export const MAX_QUERY_COST = 25_000;

/** The arguments fieldCost reads: an operation whose variables reach none of them costs the same for every request. */
const COST_ARGUMENTS: ReadonlySet<string> = new Set(["first", "last", "ids"]);

/** What a list that is not a connection may hold, for the cost: a post's tags, a period's months. */
const LIST_ITEMS = 10;

/**
 * Each field's cost, for Pothos' complexity plugin: a connection returns
 * its page (`first` or `last`, else the default page), `nodes(ids:)` one
 * item per id, its `edges` each of those once, and any other list up to
 * LIST_ITEMS. Paging arguments over their limits are refused by the read
 * library anyway; here they count at the limit.
 */
export function fieldCost<Context>(args: Record<string, unknown>, _context: Context, field: GraphQLField<unknown, Context>): { field: number; multiplier: number } {
  if (field.args.some((arg) => arg.name === "first")) {
    const size = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : DEFAULT_PAGE_SIZE;
    return { field: 1, multiplier: Math.min(Math.max(size, 0), MAX_PAGE_SIZE) };
  }
  if (Array.isArray(args.ids)) return { field: 1, multiplier: args.ids.length };
  if (field.name === "edges" && getNamedType(field.type).name.endsWith("Edge")) return { field: 1, multiplier: 1 };
  return { field: 1, multiplier: isListType(getNullableType(field.type)) ? LIST_ITEMS : 1 };
}

/** Per operation, whether a variable reaches an argument fieldCost reads (through its fragments too). */
const variableCost = new WeakMap<OperationDefinitionNode, boolean>();
/** Per operation whose cost no variable changes, that cost. */
const fixedCost = new WeakMap<OperationDefinitionNode, number>();

function readsVariables(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  let reads = variableCost.get(operation);
  if (reads === undefined) {
    reads = false;
    // Fragments are included whether the operation spreads them or not: it is a cheap, safe over-reach.
    for (const definition of document.definitions) {
      if (definition !== operation && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
      visit(definition, {
        Argument(argument) {
          if (COST_ARGUMENTS.has(argument.name.value)) visit(argument.value, { Variable() { reads = true; } });
        },
      });
    }
    variableCost.set(operation, reads);
  }
  return reads;
}

/**
 * The cost of the operation a request runs, or null when its variables
 * are not valid for it (execution refuses those with its own message).
 * Counted once per document when no variable reaches a page size.
 */
function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number | null {
  const fixed = fixedCost.get(operation);
  if (fixed !== undefined) return fixed;
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  let cost: number;
  try {
    cost = complexityFromQuery({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, { schema, variables: variables ?? {} }).complexity;
  } catch (error) {
    if (error instanceof GraphQLError || error instanceof PothosValidationError) return null;
    throw error;
  }
  if (!readsVariables(document, operation)) fixedCost.set(operation, cost);
  return cost;
}

function costRefusal(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | undefined): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const cost = operationCost(schema, document, operation, variables);
  if (cost === null || cost <= MAX_QUERY_COST) return null;
  return new GraphQLError(
    `The operation asks for about ${cost} items, more than ${MAX_QUERY_COST}: ask for smaller pages (first, last) or fewer nested lists.`,
    { extensions: refusal("COST_LIMIT") },
  );
}

/**
 * Refuses an operation that asks for too much before anything runs, with
 * the request's variables: a page size in a variable, or left to its
 * default, counts as much as one written in the document.
 */
export function useQueryCost(): Plugin {
  const refuseCostly = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: ExecutionResult) => void }) => {
    const refused = costRefusal(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined);
    if (refused) setResultAndStopExecution({ errors: [refused] });
  };
  return { onExecute: refuseCostly, onSubscribe: refuseCostly };
}
