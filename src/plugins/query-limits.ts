import armor from "@escape.tech/graphql-armor";
import type { Plugin } from "graphql-yoga";

// graphql-armor is CommonJS: its named exports exist only on the default export under native ESM.
const { EnvelopArmorPlugin } = armor;

/**
 * Rejects abusive documents at validation, before any resolver runs.
 * Sized so the deepest query the API is meant for
 * (users -> posts -> comments -> author, through connections: depth 11)
 * passes with room to spare. Page sizes themselves are checked per field
 * (src/paging.ts).
 */
export function useQueryLimits({ suggestFields }: { suggestFields: boolean }): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: 15 },
    maxAliases: { n: 20 },
    maxDirectives: { n: 20 },
    maxTokens: { n: 2_000 },
    // Cost grows with depth and with first/last literals. The benchmark's
    // users(10) -> posts(5) -> comments(5) -> author costs about 62k.
    costLimit: { maxCost: 200_000 },
    // Field suggestions ("Did you mean…?") help in development and map the
    // schema for attackers: they go wherever introspection does.
    blockFieldSuggestion: { enabled: !suggestFields },
  }) as Plugin;
}
