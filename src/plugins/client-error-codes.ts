import type { Plugin } from "graphql-yoga";

/**
 * Documents that fail validation (unknown fields, bad literals, query
 * limits) are the client's mistake: they get the same BAD_USER_INPUT code as
 * every other bad input, with GraphQL's own reason kept alongside. Yoga's
 * HTTP status for them (400) is left as it is.
 */
export function useClientErrorCodes(): Plugin {
  return {
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result) {
          const extensions = error.extensions as Record<string, unknown>;
          extensions.reason ??= "GRAPHQL_VALIDATION_FAILED";
          extensions.code = "BAD_USER_INPUT";
        }
      };
    },
  };
}
