import { NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * With INTROSPECTION=false (the production default) a document that asks
 * for `__schema` or `__type` fails validation with GraphQL's own rule, so
 * the schema is known only to those given `schema.graphql`. `__typename`
 * stays: clients need it to tell types apart.
 */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
