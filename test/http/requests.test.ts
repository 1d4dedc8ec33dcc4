import { describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * Requests a client got wrong at the HTTP level: each is a 4xx with a
 * GraphQL error body carrying BAD_USER_INPUT and a reason, never a 500 and
 * never an internal detail, and each is logged at info with its reason.
 */
const json = { "content-type": "application/json", accept: "application/graphql-response+json" };
const post = (body: string, headers: Record<string, string> = json): RequestInit => ({ method: "POST", headers, body });
const get = (query: string) => `/graphql?query=${encodeURIComponent("{ __typename }")}&${query}`;

const cases: Array<[string, string, RequestInit, number, Record<string, string>]> = [
  ["a POST body that is not JSON", "/graphql", post("{not json"), 400, { reason: "BAD_REQUEST" }],
  ["a POST body that is not JSON, asking for application/json", "/graphql", post("{not json", { "content-type": "application/json", accept: "application/json" }), 400, { reason: "BAD_REQUEST" }],
  ["a batch", "/graphql", post("[1, 2]"), 400, { reason: "BAD_REQUEST" }],
  ["a query that is a number", "/graphql", post(JSON.stringify({ query: 5 })), 400, { reason: "BAD_REQUEST" }],
  ["variables that are a string", "/graphql", post(JSON.stringify({ query: "{ __typename }", variables: "x" })), 400, { reason: "BAD_REQUEST" }],
  ["GET variables that are not JSON", get("variables=%7Bnope"), { headers: { accept: "application/json" } }, 400, { reason: "BAD_REQUEST", field: "variables" }],
  ["GET variables that are an array", get("variables=%5B1%5D"), { headers: { accept: "application/json" } }, 400, { reason: "BAD_REQUEST", field: "variables" }],
  ["GET extensions that are not JSON", get("extensions=%7B%22a%22"), { headers: { accept: "application/json" } }, 400, { reason: "BAD_REQUEST", field: "extensions" }],
  ["a malformed multipart body", "/graphql", post("--xx\r\nbroken", { "content-type": "multipart/form-data; boundary=xx" }), 415, { reason: "UNSUPPORTED_MEDIA_TYPE" }],
  ["a text/plain body", "/graphql", post("{ __typename }", { "content-type": "text/plain" }), 415, { reason: "UNSUPPORTED_MEDIA_TYPE" }],
  // What an HTML form on any site can post here without a CORS preflight.
  ["an HTML form's body", "/graphql", post("query=%7B__typename%7D", { "content-type": "application/x-www-form-urlencoded" }), 415, { reason: "UNSUPPORTED_MEDIA_TYPE" }],
  ["a document over the token limit", "/graphql", post(JSON.stringify({ query: `{ ${"__typename ".repeat(3000)}}` })), 400, { reason: "TOKEN_LIMIT" }],
  ["too many aliases", "/graphql", post(JSON.stringify({ query: `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: viewer { id }`).join(" ")} }` })), 400, { reason: "ALIAS_LIMIT" }],
  ["a document too deep", "/graphql", post(JSON.stringify({ query: `{ viewer { ${"posts { edges { node { author { ".repeat(4)}id${" } } } }".repeat(4)} } }` })), 400, { reason: "DEPTH_LIMIT" }],
  ["a document too costly", "/graphql", post(JSON.stringify({ query: "{ posts(first: 100) { edges { node { comments(first: 100) { edges { node { author { posts(first: 100) { edges { node { id } } } } } } } } } } }" })), 400, { reason: "COST_LIMIT" }],
  ["a syntax error", "/graphql", post(JSON.stringify({ query: "{ posts(" })), 400, { reason: "GRAPHQL_PARSE_FAILED" }],
  ["an operation name that is not in the document", "/graphql", post(JSON.stringify({ query: "query A { __typename }", operationName: "B" })), 400, { reason: "OPERATION_RESOLUTION_FAILURE" }],
  ["a PUT", "/graphql", { method: "PUT", headers: json, body: JSON.stringify({ query: "{ __typename }" }) }, 405, { reason: "BAD_REQUEST" }],
];

async function send(app: TestApp, path: string, init: RequestInit, requestId: string) {
  const response = await app.fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), "x-request-id": requestId } });
  return { status: response.status, text: await response.text() };
}

describe("malformed requests", () => {
  const app = useTestApp("pglite");

  it.each(cases)("answers %s with a 4xx and BAD_USER_INPUT, logged at info", async (_case, path, init, status, extensions) => {
    const requestId = `bad-request-${cases.findIndex((c) => c[1] === path && c[2] === init)}`;
    const { status: actual, text } = await send(app.current, path, init, requestId);
    expect(actual).toBe(status);
    const body = JSON.parse(text) as { data?: unknown; errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions).toEqual({ code: "BAD_USER_INPUT", ...extensions });
    // Nothing from inside: no JSON parser's words, no stack, no "Syntax Error" for a limit.
    expect(text).not.toMatch(/originalError|stack|at position|Unexpected error/);
    // A limit says which, not "Syntax Error".
    if (extensions.reason?.endsWith("_LIMIT")) expect(body.errors[0]!.message).toMatch(/^((Token|Aliases|Query depth) limit|The operation asks for about \d+ items)/i);
    const logged = app.current.logs.filter((line) => line.requestId === requestId);
    expect(logged).toMatchObject([{ level: "info", message: "request rejected", reasons: [extensions.reason ?? "BAD_USER_INPUT"] }]);
  });
});
