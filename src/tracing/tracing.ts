import type { IncomingHttpHeaders, RequestListener } from "node:http";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { StatementListener } from "../db/statement-timing.js";

const headerGetter = {
  keys: (headers: IncomingHttpHeaders) => Object.keys(headers),
  get: (headers: IncomingHttpHeaders, key: string) => headers[key],
};

/**
 * Each HTTP request as a server span, continuing the caller's trace when it
 * sends a W3C `traceparent`, and active for everything the request does
 * (the viewer's lookup, the operation, its SQL), so their spans are its
 * children.
 */
export function tracedRequests(listener: RequestListener, tracer: Tracer): RequestListener {
  return (request, response) => {
    const parent = propagation.extract(context.active(), request.headers, headerGetter);
    const path = (request.url ?? "/").split("?")[0]!;
    const span = tracer.startSpan(
      `${request.method} ${path.slice(0, 100)}`,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method ?? "", "url.path": path } },
      parent,
    );
    response.once("close", () => {
      span.setAttribute("http.response.status_code", response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => listener(request, response));
  };
}

/** Each SQL statement as a client span under the operation that sent it: its text (parameters bound, never their values) and duration. */
export function statementSpans(tracer: Tracer): StatementListener {
  return (sql, durationMs) => {
    const end = performance.timeOrigin + performance.now();
    tracer
      .startSpan(
        sql.trimStart().split(/\s/, 1)[0]!.toUpperCase() || "SQL",
        { kind: SpanKind.CLIENT, startTime: end - durationMs, attributes: { "db.system.name": "postgresql", "db.query.text": sql.slice(0, 2_000) } },
        context.active(),
      )
      .end(end);
  };
}
