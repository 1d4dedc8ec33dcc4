import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { refusal } from "../errors.js";

/**
 * Bounds every request body: HTTP 413 (`REQUEST_ENTITY_TOO_LARGE`) past
 * `limit` bytes, HTTP 400 for a Content-Length that is not one whole number.
 *
 * Yoga's own limit does the same, but also pipes every body through a
 * counting stream, which costs an AbortController and a DOMException per
 * request. A body with a valid Content-Length cannot outgrow it (Node's
 * HTTP parser stops there, and refuses Content-Length together with
 * Transfer-Encoding), so only chunked bodies are counted as they stream.
 */
export function useRequestBodyLimit(limit: number): Plugin {
  const tooLarge = () =>
    new GraphQLError(`The request body is larger than ${limit} bytes.`, {
      extensions: refusal("REQUEST_ENTITY_TOO_LARGE", { status: 413 }),
    });
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!/^\d{1,15}$/.test(declared)) {
          throw new GraphQLError("The Content-Length header is not a whole number.", {
            extensions: refusal("BAD_REQUEST", { status: 400 }),
          });
        }
        if (Number(declared) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((original) => {
        let received = 0;
        const counted = original.body!.pipeThrough(
          new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              received += chunk.byteLength;
              if (received > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return requestParser(
          new fetchAPI.Request(original.url, {
            method: original.method,
            headers: original.headers,
            signal: original.signal,
            body: counted,
            duplex: "half",
          } as RequestInit),
        );
      });
    },
  };
}
