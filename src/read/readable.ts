import type { GraphQLSchema } from "graphql";
import { selectingFields } from "./bridge.js";
import { compileSelection } from "./compile.js";

/**
 * Refuses, when the schema is built, a plugin-prisma object type with a
 * field the read library cannot read in its one statement per list: every
 * such type can be the node of a paged list or a lookup, so a field kind
 * that only fails when planned would break every list that shows the type,
 * at request time. Each field's selection is compiled once, the way a list
 * plans it; what compiles is read (columns, relations without arguments,
 * unfiltered relation counts, variants, fields with a `select`), and the
 * rest is named here with the way to build it instead.
 */
export function assertReadable(schema: GraphQLSchema): void {
  const refusals: string[] = [];
  for (const field of selectingFields(schema)) {
    const where = `${field.typeName}.${field.fieldName}`;
    if (typeof field.selection === "string") {
      refusals.push(`${where}: ${field.selection}`);
      continue;
    }
    try {
      compileSelection(field.model, field.selection, "x");
    } catch (error) {
      refusals.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (refusals.length) {
    throw new Error(
      `The read library cannot read these fields in a list's statement:\n- ${refusals.join("\n- ")}\n` +
        "Page a relation with a PageSource and nestedListField (src/read/), count it with a loader, " +
        "or select plain columns and unfiltered relations.",
    );
  }
}
