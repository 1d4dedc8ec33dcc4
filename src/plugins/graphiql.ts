import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { shouldRenderGraphiQL, type GraphiQLOptions, type Plugin } from "graphql-yoga";
import { graphiqlPage, type GraphiQLPage } from "../graphiql.js";

const gzipped = promisify(gzip);

/**
 * Serves GraphiQL's page (src/graphiql.ts) where Yoga would, to a browser's
 * GET of the endpoint, in place of Yoga's own GraphiQL plugin, because of
 * its size: GraphiQL inlined whole is about 9 MB, which Yoga sent as it is
 * on every load. Here it goes out gzipped (about 2.4 MB; compressed once,
 * on the first request that takes it) to a browser that accepts gzip, and
 * with an ETag, so a reload of an unchanged page is a 304 with no body. With
 * it goes the policy that keeps the page on this server.
 */
export function useGraphiQLPage(options: GraphiQLOptions, endpoint: string): Plugin {
  let compressed: Promise<Uint8Array<ArrayBuffer>> | undefined;
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!shouldRenderGraphiQL(request) || (url.pathname !== endpoint && url.pathname !== `${endpoint}/`)) return;
      const page = graphiqlPage(options);
      const headers: Record<string, string> = {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": page.contentSecurityPolicy,
        etag: page.etag,
        // Kept, but checked on every load: a new release has a new page.
        "cache-control": "no-cache",
        vary: "accept-encoding",
      };
      if (matches(request.headers.get("if-none-match"), page.etag)) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      if (!acceptsGzip(request.headers.get("accept-encoding"))) {
        endResponse(new fetchAPI.Response(page.html, { status: 200, headers }));
        return;
      }
      compressed ??= compress(page);
      return compressed.then((body) => endResponse(new fetchAPI.Response(body, { status: 200, headers: { ...headers, "content-encoding": "gzip" } })));
    },
  };
}

async function compress(page: GraphiQLPage): Promise<Uint8Array<ArrayBuffer>> {
  // A copy on an ArrayBuffer of its own, as a response body is typed.
  return new Uint8Array(await gzipped(page.html));
}

/** Whether an `If-None-Match` list names this ETag (or is `*`). */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const value = tag.trim();
    return value === "*" || value === etag || value === `W/${etag}`;
  });
}

/** Whether `Accept-Encoding` takes gzip: named (or `*`) without `q=0`. */
function acceptsGzip(acceptEncoding: string | null): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(",").some((entry) => {
    const [coding, ...params] = entry.split(";").map((part) => part.trim().toLowerCase());
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.find((param) => param.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
