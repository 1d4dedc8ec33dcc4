import {
  getOperationAST,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

const byDocument = new WeakMap<DocumentNode, Map<string, OperationDefinitionNode | null>>();

/**
 * The operation an execution runs, found once per document and name:
 * Yoga's parser cache hands every request for the same query the same
 * DocumentNode, so the search (which the unit of work and the operation log
 * both need) is not repeated per plugin nor per request.
 */
export function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | null {
  let byName = byDocument.get(document);
  if (!byName) {
    byName = new Map();
    byDocument.set(document, byName);
  }
  const key = operationName ?? "";
  if (!byName.has(key)) byName.set(key, getOperationAST(document, operationName) ?? null);
  return byName.get(key)!;
}

const rootFieldsByOperation = new WeakMap<OperationDefinitionNode, string[]>();

/**
 * The names of every root field an operation may run: its own fields and
 * those of its inline fragments and fragment spreads, at any depth, with
 * @skip and @include not evaluated. The unit of work decides from these
 * whether to read a viewer, which lock and isolation level to take and
 * whether an Idempotency-Key may be stored, so a field must count wherever
 * the document puts it (`{ ... on Mutation { logIn } }` is `logIn`), and a
 * field that a directive may skip still counts: every decision taken on
 * more fields is the stricter one. Found once per operation node (Yoga's
 * parser cache hands every request for a query the same document).
 */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  let names = rootFieldsByOperation.get(operation);
  if (!names) {
    const found = new Set<string>();
    const seen = new Set<string>();
    const walk = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) found.add(selection.name.value);
        else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
        else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = document.definitions.find(
            (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
          );
          if (fragment?.kind === Kind.FRAGMENT_DEFINITION) walk(fragment.selectionSet);
        }
      }
    };
    walk(operation.selectionSet);
    names = [...found];
    rootFieldsByOperation.set(operation, names);
  }
  return names;
}

/** The errors of a whole answer, or of one part of an incremental one (its own and its `incremental` entries'). */
export function errorsOf(result: unknown): GraphQLError[] {
  const part = result as ExecutionResult & { incremental?: { errors?: readonly GraphQLError[] }[] };
  return [...(part.errors ?? []), ...(part.incremental ?? []).flatMap((entry) => entry.errors ?? [])];
}
