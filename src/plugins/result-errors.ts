import type { ExecutionResult, GraphQLError } from "graphql";
import { isAsyncIterable, mapAsyncIterator, type Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";
import { requestIdOf } from "../request-id.js";

/** Codes of failures on the server's side: the client may quote the request id to have them looked up. */
const SERVER_SIDE = new Set(["INTERNAL_SERVER_ERROR", "DATABASE_UNAVAILABLE", "DATABASE_BUSY", "DATABASE_TIMEOUT"]);

/**
 * The last look at every answer, after masking (every part of one answered
 * in parts, with `@defer` or `@stream`):
 * - every error that was the server's fault (masked as "Unexpected
 *   error.", or a database fault) carries the request id, so a client can
 *   quote it and an operator find the log line that has the details;
 * - a request refused before it ran (unparseable body, syntax, validation,
 *   query limits) is logged at info with its reasons, since no operation
 *   line will tell of it.
 */
export function useResultErrors(logger: Logger): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (isAsyncIterable(result)) {
        setResult(mapAsyncIterator(result, (part) => stampRequestId(part, request)));
        return;
      }
      if (Array.isArray(result) || !("errors" in (result as object))) return;
      const { errors } = result as ExecutionResult;
      if (!errors?.length) return;
      let requestId: string | undefined;
      for (const error of errors) {
        if (SERVER_SIDE.has(String(error.extensions?.code))) {
          (error.extensions as Record<string, unknown>).requestId = requestId ??= requestIdOf(request);
        }
      }
      if (!("data" in result)) {
        logger.info("request rejected", {
          requestId: requestId ?? requestIdOf(request),
          reasons: [...new Set(errors.map(reasonOf))],
          errors: errors.slice(0, 5).map((error) => error.message),
        });
      }
    },
  };
}

/** Server-side errors in one part of an incremental answer carry the request id, as whole answers' do. */
function stampRequestId<T>(part: T, request: Request): T {
  const { errors = [], incremental = [] } = part as { errors?: readonly GraphQLError[]; incremental?: { errors?: readonly GraphQLError[] }[] };
  for (const error of [...errors, ...incremental.flatMap((entry) => entry.errors ?? [])]) {
    if (SERVER_SIDE.has(String(error.extensions?.code))) (error.extensions as Record<string, unknown>).requestId = requestIdOf(request);
  }
  return part;
}

function reasonOf(error: GraphQLError): string {
  const { reason, code } = error.extensions ?? {};
  return String(reason ?? code ?? "UNKNOWN");
}
