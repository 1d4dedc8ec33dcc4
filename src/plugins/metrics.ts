import { createHash, timingSafeEqual } from "node:crypto";
import type { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Metrics } from "../metrics/metrics.js";
import { errorsOf, operationOf } from "./operation.js";

export const METRICS_PATH = "/metrics";

/** An error code or refusal reason as a label value: both are the server's own, but a label must never grow without bound. */
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Serves the registry at `/metrics` (Prometheus's text format; with a
 * bearer token when one is configured), and counts what every request does:
 * its response status, its operation's duration by type, and the codes (and
 * refusal reasons: src/errors.ts) of the errors in its answer, as the
 * client sees them (masked ones are INTERNAL_SERVER_ERROR). SQL statements are counted at the driver adapter
 * (src/app.ts).
 */
export function useMetrics(metrics: Metrics, { token }: { token: string | null }): Plugin {
  const countErrors = (errors: readonly GraphQLError[]) => {
    for (const error of errors) {
      const { code, reason } = error.extensions ?? {};
      metrics.errors.inc({
        code: typeof code === "string" && CODE.test(code) ? code : "INTERNAL_SERVER_ERROR",
        reason: typeof reason === "string" && CODE.test(reason) ? reason : "",
      });
    }
  };
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (!isScrape(request)) return;
      const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } }));
      if (request.method !== "GET") return plain(405, "GET only", { allow: "GET" });
      if (token && !bearerMatches(request.headers.get("authorization"), token)) {
        return plain(401, "a bearer token is required", { "www-authenticate": 'Bearer realm="metrics"' });
      }
      return metrics.registry.metrics().then((body) =>
        endResponse(new fetchAPI.Response(body, { status: 200, headers: { "content-type": metrics.registry.contentType } })),
      );
    },
    onResponse({ request, response }) {
      if (isScrape(request)) return;
      metrics.httpRequests.inc({ status: String(response.status) });
    },
    onExecute({ args }) {
      const type = operationOf(args.document, args.operationName)?.operation ?? "unknown";
      const done = metrics.operations.startTimer({ type });
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) {
            done();
            return;
          }
          // An answer in parts: its errors are counted part by part here (onResultProcess sees the stream, not the parts).
          return {
            onNext({ result: part }) {
              countErrors(errorsOf(part));
            },
            onEnd() {
              done();
            },
          };
        },
      };
    },
    onResultProcess({ result }) {
      if (isAsyncIterable(result)) return;
      for (const answer of Array.isArray(result) ? result : [result]) countErrors(errorsOf(answer));
    },
  };
}

/** A request for /metrics; the suffix test first, so other requests never pay for parsing their URL. */
function isScrape(request: Request): boolean {
  return request.url.endsWith(METRICS_PATH) && new URL(request.url).pathname === METRICS_PATH;
}

/** Compares digests of equal length, in constant time. */
function bearerMatches(header: string | null, token: string): boolean {
  const given = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!given) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
