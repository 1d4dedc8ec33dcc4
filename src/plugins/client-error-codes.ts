import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { refusal, type RefusalReason } from "../errors.js";

/**
 * graphql-armor reports its limits in English only; each gets a reason a
 * client can branch on.
 */
const ARMOR_REASONS: [RegExp, RefusalReason][] = [
  [/Token limit of \d+ exceeded/, "TOKEN_LIMIT"],
  [/depth limit/i, "DEPTH_LIMIT"],
  [/Aliases limit/i, "ALIAS_LIMIT"],
  [/Directives limit/i, "DIRECTIVE_LIMIT"],
];

/**
 * What graphql-js, and the merge rule of Yoga's `@defer`/`@stream` plugin
 * (patched to meter its work like graphql-js's), say when a document needs
 * more comparisons than their budget: hundreds of fields of one name, or
 * fragments spread over and over. The rest of validation stopped there, so
 * this is the one error, said so a client can act on it.
 */
const VALIDATION_ABORTED = "Validation aborted.";
const VALIDATION_LIMIT_MESSAGE = "The document needs too much work to validate: fields of one name are repeated, or fragments are spread, too many times.";

function armorReason(message: string): RefusalReason | undefined {
  return ARMOR_REASONS.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * Documents a client got wrong (syntax, unknown fields, bad literals, query
 * limits) are answered with BAD_USER_INPUT, with GraphQL's or
 * graphql-armor's own reason kept alongside (`GRAPHQL_PARSE_FAILED`,
 * `TOKEN_LIMIT`, `DEPTH_LIMIT`, …). Yoga's HTTP status for
 * them (400) is left as it is.
 */
export function useClientErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (!(result instanceof GraphQLError)) return;
        const reason = armorReason(result.message);
        // The token limit reports through the parser: say what it is, not "Syntax Error".
        replaceParseResult(
          new GraphQLError(reason ? result.message.replace(/^Syntax Error: /, "") : result.message, {
            source: result.source,
            positions: result.positions,
            extensions: { ...result.extensions, ...refusal(reason ?? "GRAPHQL_PARSE_FAILED") },
          }),
        );
      };
    },
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (valid) return;
        if (result.some((error) => error.message === VALIDATION_ABORTED)) {
          setResult([new GraphQLError(VALIDATION_LIMIT_MESSAGE, { extensions: refusal("VALIDATION_LIMIT") })]);
          return;
        }
        for (const error of result) {
          const extensions = error.extensions as Record<string, unknown>;
          Object.assign(extensions, refusal((extensions.reason as RefusalReason | undefined) ?? armorReason(error.message) ?? "GRAPHQL_VALIDATION_FAILED"));
        }
      };
    },
  };
}
