import type { ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.js";
import { requestIdOf } from "../request-id.js";

/** Codes of failures on the server's side: the client may quote the request id to have them looked up. */
const SERVER_SIDE = new Set(["INTERNAL_SERVER_ERROR", "DATABASE_UNAVAILABLE", "DATABASE_BUSY", "DATABASE_TIMEOUT"]);

/**
 * The last look at every answer, after masking:
 * - every error that was the server's fault (masked as "Unexpected
 *   error.", or a database fault) carries the request id, so a client can
 *   quote it and an operator find the log line that has the details;
 * - a request refused before it ran (unparseable body, syntax, validation,
 *   query limits) is logged at info with its reasons, since no operation
 *   line will tell of it.
 */
export function useResultErrors(logger: Logger): Plugin {
  return {
    onResultProcess({ request, result }) {
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

function reasonOf(error: GraphQLError): string {
  const { reason, code } = error.extensions ?? {};
  return String(reason ?? code ?? "UNKNOWN");
}
