import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError, type OperationDefinitionNode } from "graphql";

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

/** The errors of a whole answer, or of one part of an incremental one (its own and its `incremental` entries'). */
export function errorsOf(result: unknown): GraphQLError[] {
  const part = result as ExecutionResult & { incremental?: { errors?: readonly GraphQLError[] }[] };
  return [...(part.errors ?? []), ...(part.incremental ?? []).flatMap((entry) => entry.errors ?? [])];
}
