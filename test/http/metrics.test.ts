import { afterAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, signUp } from "../support/fixtures.js";
import { startTestApp, useTestApp, type TestApp } from "../support/test-app.js";

/** One sample of the exposition: `name{labels} value`, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(t: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const response = await t.fetch("/metrics", { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe.each(testDatabaseKinds)("Prometheus metrics at /metrics on %s", (kind) => {
  const app = useTestApp(kind);

  it("counts responses by status, operations by type, errors by code and SQL statements", async () => {
    const before = await scrape(app.current);
    const author = await signUp(app.current);
    await createPost(app.current, author, { publish: true });
    await app.current.graphql(`{ posts(first: 2) { edges { node { title } } } }`);
    // A client's mistake (BAD_USER_INPUT), and a document that does not validate.
    await app.current.graphql(`{ posts(first: -1) { edges { cursor } } }`);
    await app.current.graphql(`{ nope }`);
    const after = await scrape(app.current);
    const grew = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);

    expect(grew('inkwell_http_requests_total{status="200"}')).toBeGreaterThanOrEqual(4);
    expect(grew('inkwell_graphql_operation_duration_seconds_count{type="query"}')).toBeGreaterThanOrEqual(2);
    expect(grew('inkwell_graphql_operation_duration_seconds_count{type="mutation"}')).toBeGreaterThanOrEqual(2);
    expect(grew('inkwell_graphql_errors_total{code="BAD_USER_INPUT",reason=""}')).toBe(1);
    expect(grew('inkwell_graphql_errors_total{code="BAD_USER_INPUT",reason="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    // Every statement the requests sent, counted at the driver adapter: signUp, createPost's two mutations and the feed page send several.
    expect(grew("inkwell_sql_statement_duration_seconds_count")).toBeGreaterThanOrEqual(8);
    // The process's own metrics, under prom-client's standard names.
    expect(sample(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    if (kind === "postgres") {
      expect(sample(after, 'inkwell_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'inkwell_db_pool_connections{state="waiting"}')).toBe(0);
    } else {
      expect(after).not.toContain("inkwell_db_pool_connections{");
    }
  });

  it("does not count its own scrapes", async () => {
    const responses = (text: string) =>
      text
        .split("\n")
        .filter((row) => row.startsWith("inkwell_http_requests_total{"))
        .reduce((sum, row) => sum + Number(row.split(" ")[1]), 0);
    const first = await scrape(app.current);
    const second = await scrape(app.current);
    expect(responses(second)).toBe(responses(first));
  });

  it("never makes a label of what the client chooses", async () => {
    const before = await scrape(app.current);
    for (let i = 0; i < 5; i += 1) await app.current.graphql(`query Chosen${i}ByTheClient { __typename }`);
    const after = await scrape(app.current);
    expect(after).not.toMatch(/Chosen\dByTheClient/);
    expect(after.split("\n").length).toBe(before.split("\n").length);
  });

  it("answers only GET", async () => {
    const response = await app.current.fetch("/metrics", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
  });
});

describe("/metrics with METRICS_TOKEN, and switched off", () => {
  const started: TestApp[] = [];
  afterAll(async () => {
    for (const t of started) await t.close();
  });

  it("asks for the bearer token, and takes only the right one", async () => {
    const t = await startTestApp("pglite", { env: { METRICS_TOKEN: "scrape-token-scrape-token" } });
    started.push(t);
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer scrape-token-scrape-tokeX" }, { authorization: "Basic c2NyYXBlOg==" }];
    for (const headers of attempts) {
      const refused = await t.fetch("/metrics", { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(await refused.text()).not.toContain("inkwell_");
    }
    expect(await scrape(t, { authorization: "Bearer scrape-token-scrape-token" })).toContain("inkwell_http_requests_total");
  });

  it("is not served with METRICS=false", async () => {
    const t = await startTestApp("pglite", { env: { METRICS: "false" } });
    started.push(t);
    const response = await t.fetch("/metrics");
    expect(response.status).toBe(404);
  });
});
