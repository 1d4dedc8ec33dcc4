import { describe, expect, it } from "vitest";
import { eventStreamParts } from "../support/incremental.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

type Answer = { data?: unknown; errors?: { message: string; locations?: unknown[]; extensions: Record<string, unknown> }[] };

async function ask(t: TestApp, query: string): Promise<Answer> {
  const response = await t.fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return (await response.json()) as Answer;
}

const VALIDATION_LIMIT = {
  message: "The document needs too much work to validate: fields of one name are repeated, or fragments are spread, too many times.",
  extensions: { code: "BAD_USER_INPUT", reason: "VALIDATION_LIMIT" },
};

/**
 * Field merging is checked once, by the `@stream`-aware rule of Yoga's
 * plugin (src/plugins/defer-stream.ts), within the budget graphql-js gives
 * its own (patches/@graphql-yoga+plugin-defer-stream+3.24.1.patch).
 */
describe("document validation", () => {
  const app = useTestApp("pglite");

  it("reports two same-named fields that cannot merge once, at both fields", async () => {
    const answer = await ask(app.current, "{ posts(first: 1) { pageInfo { hasNextPage } } posts(first: 2) { pageInfo { hasNextPage } } }");
    expect(answer.errors).toEqual([
      {
        message: 'Fields "posts" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.',
        locations: [{ line: 1, column: 3 }, { line: 1, column: 48 }],
        extensions: { code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" },
      },
    ]);
  });

  it("refuses same-named fields whose @stream differs, which only the plugin's rule knows", async () => {
    const response = await app.current.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "{ posts { edges @stream(initialCount: 1) { cursor } edges { cursor } } }" }),
    });
    const parts = [];
    for await (const part of eventStreamParts(response)) parts.push(part);
    expect(parts).toEqual([{ errors: [expect.objectContaining({ message: expect.stringContaining('Fields "edges" conflict because they have differing stream directives.') })] }]);
  });

  it.each([
    ["800 fields of one name", `{ ${"__typename ".repeat(800)}}`],
    ["two fragments of 400, spread together", `{ ...A ...B } fragment A on Query { ${"__typename ".repeat(400)}} fragment B on Query { ${"__typename ".repeat(400)}}`],
    ["800 in a fragment", `{ ...A } fragment A on Query { ${"__typename ".repeat(800)}}`],
  ])("refuses a document past the budget of comparisons (%s) with one VALIDATION_LIMIT", async (_what, query) => {
    expect(await ask(app.current, query)).toEqual({ errors: [VALIDATION_LIMIT] });
  });

  it("answers a document just inside the budget", async () => {
    expect(await ask(app.current, `{ ${"__typename ".repeat(700)}}`)).toEqual({ data: { __typename: "Query" } });
  });

  it("logs a refused field's message, not the document's source line at each of its places", async () => {
    const t = app.current;
    t.logs.length = 0;
    const slug = "a".repeat(3_000);
    const answer = await ask(t, `{ ${`post(slug: "${slug}") { id } `.repeat(50)}}`);
    expect(answer.errors).toMatchObject([{ message: '"slug" is longer than 200 characters.', extensions: { code: "BAD_USER_INPUT" } }]);
    expect(answer.errors![0]!.locations).toHaveLength(50);
    const logged = t.logs.filter((line) => String(line.message).includes("is longer than 200"));
    expect(logged.map((line) => line.message)).toEqual(['"slug" is longer than 200 characters.']);
  });
});
