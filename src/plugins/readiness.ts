import type { Plugin } from "graphql-yoga";

/**
 * `/readyz`: 200 when this instance can serve (its check passes), 503 with
 * the reason otherwise. Yoga's useReadinessCheck also matches every other
 * request's URL against a URLPattern polyfill, which costs each GraphQL
 * request more than the check costs /readyz; a suffix test is enough here.
 */
export function useReadiness(endpoint: string, check: () => Promise<void>): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (!request.url.endsWith(endpoint) || new URL(request.url).pathname !== endpoint) return;
      return check().then(
        () => endResponse(new fetchAPI.Response(null, { status: 200 })),
        (error: unknown) =>
          endResponse(
            new fetchAPI.Response(`not ready: ${error instanceof Error ? error.message : String(error)}\n`, {
              status: 503,
              headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "1" },
            }),
          ),
      );
    },
  };
}
