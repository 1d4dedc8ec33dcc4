import type { GraphQLField } from "graphql";
import type { PageSource } from "./page-query.js";
import type { NodeTypeRef } from "./reader.js";

/** What a nested list field's extension names: where its rows come from, and their node type. */
export interface NestedListField {
  readonly source: PageSource<unknown>;
  readonly node: NodeTypeRef;
}

/**
 * The extension by which the built schema says a field is a nested list
 * (set by nestedListField, src/read/lists.ts), so a lookup or a root list
 * can find the list to read its first page ahead (src/read/prefetch.ts).
 */
export const NESTED_LIST = "inkwellNestedList";

/** The list a field of the built schema pages under its parent row, if it is one. */
export function nestedListOf(field: GraphQLField<unknown, unknown>): NestedListField | undefined {
  return field.extensions?.[NESTED_LIST] as NestedListField | undefined;
}

/**
 * A list's arguments as one string, to tell whether a page read ahead was
 * read with the arguments its resolver receives: both come from the same
 * field node and variables, in the field's argument order.
 */
export function listArgsKey(args: object): string {
  return JSON.stringify(args);
}
