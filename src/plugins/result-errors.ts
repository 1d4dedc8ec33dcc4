import type { ExecutionResult, GraphQLError } from "graphql";
import { stampRequestId, statusOfRefusal, withoutSuggestions } from "../errors.js";
import { isAsyncIterable, mapAsyncIterator, type Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";
import { requestIdOf } from "../request-id.js";

/**
 * The last look at every answer, after masking (every part of one answered
 * in parts, with `@defer` or `@stream`):
 * - every error that was the server's fault (masked as "Unexpected
 *   error.", or a database fault) carries the request id, so a client can
 *   quote it and an operator find the log line that has the details;
 * - without `suggestions`, no message says "Did you mean …?", whichever
 *   stage wrote it (validation, variable coercion, execution) and whatever
 *   it names (a field, argument, type, input field or enum value);
 * - a request refused before it ran (unparseable body, syntax, validation,
 *   query limits) gets GraphQL over HTTP's status (statusOfRefusal), and is
 *   logged at info with its reasons, since no operation line will tell of it.
 */
export function useResultErrors(logger: Logger, { suggestions }: { suggestions: boolean }): Plugin {
  const finish = <T>(part: T, request: Request): T => stampPart(suggestions ? part : hideSuggestions(part), request);
  return {
    onResultProcess({ request, result, setResult }) {
      if (isAsyncIterable(result)) {
        setResult(mapAsyncIterator(result, (part) => finish(part, request)));
        return;
      }
      if (Array.isArray(result) || !("errors" in (result as object))) return;
      if (!(result as ExecutionResult).errors?.length) return;
      if (!suggestions) setResult((result = hideSuggestions(result)));
      const { errors = [] } = result as ExecutionResult;
      const requestId = requestIdOf(request);
      for (const error of errors) stampRequestId(error, requestId);
      if (!("data" in result)) {
        for (const error of errors) statusOfRefusal(error);
        logger.info("request rejected", {
          requestId,
          reasons: [...new Set(errors.map(reasonOf))],
          errors: errors.slice(0, 5).map((error) => error.message),
        });
      }
    },
  };
}

/** The answer (or one part of it) with every error's suggestions taken out. */
function hideSuggestions<T>(part: T): T {
  const { errors, incremental } = part as { errors?: readonly GraphQLError[]; incremental?: { errors?: readonly GraphQLError[] }[] };
  if (!errors?.length && !incremental?.some((entry) => entry.errors?.length)) return part;
  return {
    ...part,
    ...(errors ? { errors: errors.map(withoutSuggestions) } : {}),
    ...(incremental ? { incremental: incremental.map((entry) => (entry.errors ? { ...entry, errors: entry.errors.map(withoutSuggestions) } : entry)) } : {}),
  };
}

/** Server-side errors in one part of an incremental answer carry the request id, as whole answers' do. */
function stampPart<T>(part: T, request: Request): T {
  const { errors = [], incremental = [] } = part as { errors?: readonly GraphQLError[]; incremental?: { errors?: readonly GraphQLError[] }[] };
  const requestId = requestIdOf(request);
  for (const error of [...errors, ...incremental.flatMap((entry) => entry.errors ?? [])]) stampRequestId(error, requestId);
  return part;
}

function reasonOf(error: GraphQLError): string {
  const { reason, code } = error.extensions ?? {};
  return String(reason ?? code ?? "UNKNOWN");
}
