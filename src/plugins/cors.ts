import type { YogaServerOptions } from "graphql-yoga";

type CorsSetting = YogaServerOptions<Record<string, unknown>, Record<string, unknown>>["cors"];

/**
 * CORS from an allow-list (CORS_ORIGINS). Yoga's default reflects any
 * origin and allows credentials; here an origin that is not on the list
 * gets no CORS headers at all, so the browser keeps the answer from the
 * page. Tokens travel in the Authorization header, never in cookies, so
 * credentials are never allowed. Browsers may read `x-request-id` (to
 * quote with an error) and `retry-after`.
 */
export function corsFromAllowList(origins: readonly string[]): CorsSetting {
  if (origins.length === 0) return false;
  const allowed = new Set(origins);
  const options = {
    origin: [...origins],
    credentials: false,
    methods: ["GET", "POST"],
    allowedHeaders: ["authorization", "content-type", "accept", "x-request-id", "idempotency-key"],
    exposedHeaders: ["x-request-id", "retry-after"],
    maxAge: 600,
  };
  return (request: Request) => (allowed.has(request.headers.get("origin") ?? "") ? options : false);
}
