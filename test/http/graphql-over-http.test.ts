import { serverAudits } from "graphql-http";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/test-app.js";

/**
 * The GraphQL over HTTP specification, as graphql-http's audit checks it
 * (every MUST and every SHOULD), and the status of each way a request can
 * be refused before it runs, for both response media types.
 */
describe("GraphQL over HTTP", () => {
  const app = useTestApp("pglite");
  const fetchApp = (input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(app.current.app.yoga.fetch(new URL(String(input)), init ?? {}));

  it("passes graphql-http's audit, its SHOULDs included", async () => {
    const results = [];
    for (const audit of serverAudits({ url: "http://inkwell.test/graphql", fetchFn: fetchApp })) {
      const result = await audit.fn();
      results.push({ audit: audit.name, status: result.status, ...(result.status === "ok" ? {} : { reason: result.reason }) });
    }
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((result) => result.status !== "ok")).toEqual([]);
  });

  const refusals: [string, string, string | undefined, { json: number; graphqlResponse: number }][] = [
    ["a syntax error", JSON.stringify({ query: "{" }), "GRAPHQL_PARSE_FAILED", { json: 200, graphqlResponse: 400 }],
    ["an unknown field", JSON.stringify({ query: "{ nope }" }), "GRAPHQL_VALIDATION_FAILED", { json: 200, graphqlResponse: 400 }],
    ["too many tokens", JSON.stringify({ query: `{ ${"__typename ".repeat(2_100)}}` }), "TOKEN_LIMIT", { json: 200, graphqlResponse: 400 }],
    ["too deep", JSON.stringify({ query: `{ ${"node(id: \"x\") { ... on User { posts { edges { node { author { ".repeat(3)}id${" } } } } } }".repeat(3)} }` }), "DEPTH_LIMIT", { json: 200, graphqlResponse: 400 }],
    ["an operation name that is not in the document", JSON.stringify({ query: "query A { __typename }", operationName: "B" }), "OPERATION_RESOLUTION_FAILURE", { json: 200, graphqlResponse: 400 }],
    ["two operations and no name", JSON.stringify({ query: "query A { __typename } query B { __typename }" }), "OPERATION_RESOLUTION_FAILURE", { json: 200, graphqlResponse: 400 }],
    ["a variable of the wrong type", JSON.stringify({ query: "query ($n: Int!) { posts(first: $n) { totalCount } }", variables: { n: "x" } }), undefined, { json: 200, graphqlResponse: 400 }],
    ["a body that is not JSON", "{", "BAD_REQUEST", { json: 400, graphqlResponse: 400 }],
    ["no query", JSON.stringify({}), "BAD_REQUEST", { json: 400, graphqlResponse: 400 }],
    ["a query that is not a string", JSON.stringify({ query: 1 }), "BAD_REQUEST", { json: 400, graphqlResponse: 400 }],
    ["an operation name that is not a string", JSON.stringify({ query: "{ __typename }", operationName: 1 }), "BAD_REQUEST", { json: 400, graphqlResponse: 400 }],
  ];

  it.each(refusals)("answers %s with BAD_USER_INPUT: 200 to application/json, 400 to application/graphql-response+json, unless the request is unreadable", async (_what, body, reason, statuses) => {
    for (const [accept, status] of [["application/json", statuses.json], ["application/graphql-response+json", statuses.graphqlResponse]] as const) {
      const response = await fetchApp("http://inkwell.test/graphql", { method: "POST", headers: { "content-type": "application/json", accept }, body });
      const answer = (await response.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
      expect({ accept, status: response.status, type: response.headers.get("content-type"), hasData: "data" in answer }).toEqual({
        accept,
        status,
        type: `${accept}; charset=utf-8`,
        hasData: false,
      });
      expect(answer.errors[0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", ...(reason ? { reason } : {}) });
    }
  });
});
