import { useDeferStream } from "@graphql-yoga/plugin-defer-stream";
import {
  getDirectiveValues,
  GraphQLError,
  Kind,
  visit,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
} from "graphql";
import { BadUserInputError, refusal } from "../errors.js";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { demandOf } from "../streaming/demand.js";

const INCREMENTAL = new Set(["defer", "stream"]);

const NOT_ACCEPTABLE = new GraphQLError(
  "This operation answers in parts (@defer or @stream): send Accept: multipart/mixed or text/event-stream, or leave the directives out.",
  { extensions: refusal("NOT_ACCEPTABLE") },
);

/**
 * `@defer` and `@stream` are for reads. A mutation operation is one unit of
 * work that commits before its answer leaves (src/plugins/unit-of-work.ts):
 * a deferred part would run after the commit, outside the transaction, or
 * hold the transaction open while the client reads slowly. So a mutation (or
 * subscription) that uses either directive, directly or through any
 * fragment it spreads, fails validation before anything runs.
 */
export function NoIncrementalDeliveryOutsideQueriesRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation: OperationDefinitionNode) {
      if (operation.operation === "query") return false;
      const nodes = [operation, ...context.getRecursivelyReferencedFragments(operation)];
      for (const node of nodes) {
        visitDirectives(node.selectionSet, (name, directive) => {
          if (!INCREMENTAL.has(name)) return;
          context.reportError(
            new GraphQLError(`@${name} cannot be used in a ${operation.operation}: a ${operation.operation} answers in one piece, once its unit of work has committed.`, {
              nodes: directive,
            }),
          );
        });
      }
      return false;
    },
  };
}

type SelectionSet = OperationDefinitionNode["selectionSet"];

function visitDirectives(selectionSet: SelectionSet, found: (name: string, node: import("graphql").DirectiveNode) => void): void {
  for (const selection of selectionSet.selections) {
    for (const directive of selection.directives ?? []) found(directive.name.value, directive);
    if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) visitDirectives(selection.selectionSet, found);
  }
}

/**
 * A `@stream` whose `initialCount` (a literal or a variable) is negative:
 * the executor would throw a plain error, which masking turns into an
 * internal one. It is the client's mistake, found here before anything runs.
 */
export function negativeInitialCount(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): GraphQLError | null {
  const stream = schema.getDirective("stream");
  if (!stream) return null;
  for (const field of streamedFields(document)) {
    let initialCount: unknown;
    try {
      initialCount = getDirectiveValues(stream, field, variables ?? {})?.initialCount;
    } catch {
      continue; // a malformed argument is reported by validation or variable coercion, with its own message
    }
    if (typeof initialCount === "number" && initialCount < 0) {
      return new BadUserInputError(`@stream's initialCount is at least 0; ${field.name.value} got ${initialCount}.`, "initialCount");
    }
  }
  return null;
}

/**
 * The fields of a document that carry `@stream`, found once per document:
 * Yoga's parser cache hands every request of the same text the same
 * document object, so the walk is not paid per request (it was 2% of the
 * CPU of `{ __typename }`).
 */
const streamedFieldsOf = new WeakMap<DocumentNode, readonly FieldNode[]>();

function streamedFields(document: DocumentNode): readonly FieldNode[] {
  let fields = streamedFieldsOf.get(document);
  if (!fields) {
    const found: FieldNode[] = [];
    visit(document, {
      Field(field) {
        if (field.directives?.some((directive) => directive.name.value === "stream")) found.push(field);
      },
    });
    fields = found;
    streamedFieldsOf.set(document, fields);
  }
  return fields;
}

/**
 * Yoga's plugin brings its own OverlappingFieldsCanBeMergedRule, which also
 * refuses same-named fields with differing `@stream`s, and means it to
 * replace graphql-js's: it assigns a filtered copy to `params.rules`, but
 * envelop validates with the array it passed in, so both rules ran. Every
 * conflict was reported twice and every document compared twice. Removed
 * here from that array itself. The two share a name; graphql-js's is among
 * the specified rules, so it comes first.
 */
function withoutGraphQLsOwnMergeRule(rules: unknown[] | undefined): void {
  if (!rules) return;
  const named = rules.flatMap((rule, index) => (typeof rule === "function" && rule.name === "OverlappingFieldsCanBeMergedRule" ? [index] : []));
  if (named.length > 1) rules.splice(named[0]!, 1);
}

/**
 * Yoga's `@defer`/`@stream` support, for queries only, with backpressure:
 * each part the response pulls is counted on the request's Demand
 * (src/streaming/demand.ts), which streaming resolvers wait on.
 */
export function useIncrementalDelivery(): Plugin[] {
  return [
    useDeferStream(),
    {
      onValidate({ params, addValidationRule }) {
        withoutGraphQLsOwnMergeRule(params.rules);
        addValidationRule(NoIncrementalDeliveryOutsideQueriesRule);
      },
      // An answer in parts to a client that accepts only whole answers: Yoga's bare 406
      // would leave the stream open, parked on its demand. Close it, and say why in JSON.
      onResultProcess({ result, resultProcessor, setResult, setResultProcessor }) {
        if (resultProcessor || !isAsyncIterable(result)) return;
        void result[Symbol.asyncIterator]().return?.();
        setResult({ errors: [NOT_ACCEPTABLE] });
        setResultProcessor((answer, fetchAPI) => new fetchAPI.Response(JSON.stringify(answer), { status: 406, headers: { "content-type": "application/json; charset=utf-8" } }), "application/json");
      },
      onExecute({ args, setResultAndStopExecution }) {
        const refused = negativeInitialCount(args.schema, args.document, args.variableValues as Record<string, unknown> | undefined);
        if (refused) {
          setResultAndStopExecution({ errors: [refused] });
          return;
        }
        return {
          onExecuteDone({ result, setResult }) {
            if (!isAsyncIterable(result)) return;
            // Made here, not per request: only answers in parts need one.
            const demand = demandOf(args.contextValue as object);
            demand.startStreaming();
            const parts = result[Symbol.asyncIterator]();
            setResult({
              [Symbol.asyncIterator]() {
                return this;
              },
              next() {
                demand.pulled();
                return parts.next().then((step) => {
                  if (step.done) demand.close();
                  return step;
                });
              },
              return() {
                demand.close();
                return parts.return?.() ?? Promise.resolve({ done: true, value: undefined });
              },
              throw(error: unknown) {
                demand.close();
                return parts.throw?.(error) ?? Promise.reject(error);
              },
            } as AsyncIterableIterator<never>);
          },
        };
      },
    },
  ];
}
