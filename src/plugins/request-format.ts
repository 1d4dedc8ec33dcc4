import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { refusal } from "../errors.js";

/** The bodies a POST may carry: JSON, or a GraphQL document. */
const POST_MEDIA_TYPES: ReadonlySet<string> = new Set(["application/json", "application/graphql-response+json", "application/graphql"]);

function mediaTypeOf(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

/**
 * Requests Yoga cannot read are the client's mistake, answered with a body
 * that says so (Yoga's own answers are a bare status, or an unexpected
 * error):
 * - a GET request's `variables` and `extensions` must be JSON objects
 *   (Yoga parses them with a bare JSON.parse): HTTP 400, BAD_USER_INPUT
 *   naming the parameter;
 * - a POST body must be JSON (`application/json`,
 *   `application/graphql-response+json`) or a GraphQL document
 *   (`application/graphql`); anything else is HTTP 415 with reason
 *   UNSUPPORTED_MEDIA_TYPE: multipart, since Inkwell takes no uploads, and
 *   an HTML form's `application/x-www-form-urlencoded`, which Yoga would
 *   parse, and which any web page can send to another site without asking
 *   it first (no CORS preflight), as it can `text/plain`;
 * - `operationName`, when given, must be a string (Yoga would ignore any
 *   other value and run the document): HTTP 400, BAD_USER_INPUT naming it.
 */
export function useRequestFormat(): Plugin {
  return {
    onRequestParse({ request, url, requestParser }) {
      if (request.method === "POST" && (!requestParser || !POST_MEDIA_TYPES.has(mediaTypeOf(request)))) {
        throw new GraphQLError("The request body must be JSON (Content-Type: application/json).", {
          extensions: refusal("UNSUPPORTED_MEDIA_TYPE", { status: 415 }),
        });
      }
      if (request.method !== "GET") return;
      for (const name of ["variables", "extensions"] as const) {
        const raw = url.searchParams.get(name);
        if (raw === null || raw === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          value = undefined;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          throw new GraphQLError(`The "${name}" parameter must be a JSON object.`, {
            extensions: refusal("BAD_REQUEST", { field: name, status: 400 }),
          });
        }
      }
    },
    onParams({ params }) {
      const { operationName } = params as { operationName?: unknown };
      if (operationName != null && typeof operationName !== "string") {
        throw new GraphQLError(`The "operationName" parameter must be a string.`, {
          extensions: refusal("BAD_REQUEST", { field: "operationName", status: 400 }),
        });
      }
    },
  };
}
