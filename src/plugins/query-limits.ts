import armor from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import { refusal, type RefusalReason } from "../errors.js";

// graphql-armor is CommonJS: its named exports exist only on the default export under native ESM.
const { EnvelopArmorPlugin } = armor;

/**
 * graphql-armor throws its validation-time rejections out of validation
 * (answered as a 200 with no reason), prefixed "Syntax Error:" although
 * the syntax is fine. Reported as validation errors instead, they are a 400
 * with BAD_USER_INPUT and a reason, like every other refused document.
 */
function reportAs(reason: RefusalReason) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const rejection = new GraphQLError(error.message.replace(/^Syntax Error: /, ""), {
          nodes: error.nodes,
          extensions: refusal(reason),
        });
        if (context) context.reportError(rejection);
        else throw rejection;
      },
    ],
  };
}

/**
 * Rejects abusive documents at validation, before any resolver runs.
 * Sized so the deepest query the API is meant for
 * (users -> posts -> comments -> author, through connections: depth 11)
 * passes with room to spare. Page sizes themselves are checked per field
 * (src/read/).
 */
export function useQueryLimits(): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: 15, ...reportAs("DEPTH_LIMIT") },
    maxAliases: { n: 20, ...reportAs("ALIAS_LIMIT") },
    maxDirectives: { n: 20, ...reportAs("DIRECTIVE_LIMIT") },
    maxTokens: { n: 2_000 },
    // graphql-armor's cost counts only page sizes written as numbers in the
    // document: one in a variable, or left to its default, counted as 1.
    // The cost is useQueryCost's (src/plugins/query-cost.ts), which sees them.
    costLimit: { enabled: false },
    // Suggestions are hidden for every kind of name by masking (withoutSuggestions in src/errors.ts).
    blockFieldSuggestion: { enabled: false },
  }) as Plugin;
}
