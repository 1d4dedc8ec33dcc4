import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tracingRequested } from "../../src/config.js";
import { serverArgs } from "../support/server-process.js";

/** A span as OTLP/JSON carries it, with its attributes flattened. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const SERVER_KIND = 2;
const CLIENT_KIND = 3;

/** An OTLP/HTTP receiver (JSON): what the server exports, as a collector would get it. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.url === "/v1/traces") {
        for (const resource of JSON.parse(body).resourceSpans ?? []) {
          for (const scope of resource.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              const attributes = Object.fromEntries(
                (span.attributes ?? []).map(({ key, value }: { key: string; value: Record<string, unknown> }) => [key, Object.values(value)[0]]),
              );
              spans.push({ ...span, attributes });
            }
          }
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

describe("OpenTelemetry traces, switched on by the OTEL_* variables", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dataDir: string;
  let stop: () => Promise<number | null>;
  let url: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    dataDir = await mkdtemp(path.join(tmpdir(), "inkwell-traces-"));
    const child = spawn(process.execPath, serverArgs(), {
      env: {
        ...process.env,
        NODE_ENV: "development",
        LOG_LEVEL: "info",
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "50",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const match = output.match(/"message":"listening","url":"(http:[^"]+)"/);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
    stop = () => {
      child.kill("SIGTERM");
      return exited;
    };
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    receiver?.server.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  async function spansOf(traceId: string, until: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const mine = receiver.spans.filter((span) => span.traceId === traceId);
      if (until(mine) || Date.now() > deadline) return mine;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("continues the caller's trace: the request, its operation under it, and each SQL statement under that", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpan = "00f067aa0ba902b7";
    const response = await post(
      { query: "query Feed { posts(first: 2) { edges { node { title } } } }", operationName: "Feed" },
      { traceparent: `00-${traceId}-${callerSpan}-01` },
    );
    expect(((await response.json()) as any).data.posts.edges).toHaveLength(2);

    const spans = await spansOf(traceId, (mine) => mine.some((span) => span.kind === SERVER_KIND));
    const request = spans.find((span) => span.kind === SERVER_KIND)!;
    expect(request).toMatchObject({ name: "POST /graphql", parentSpanId: callerSpan });
    expect(request.attributes["http.response.status_code"]).toBe(200);
    const operation = spans.find((span) => span.name === "graphql.query Feed")!;
    expect(operation.parentSpanId).toBe(request.spanId);
    expect(operation.attributes["graphql.operation.type"]).toBe("query");
    const statements = spans.filter((span) => span.kind === CLIENT_KIND);
    expect(statements.length).toBeGreaterThanOrEqual(1);
    for (const statement of statements) {
      expect(statement.parentSpanId).toBe(operation.spanId);
      expect(statement.name).toBe("SELECT");
      expect(statement.attributes["db.query.text"]).toMatch(/^\s*SELECT .* FROM /s);
    }
  });

  it("puts a mutation's whole unit of work, the viewer's lookup included, under its operation, and never a bound value", async () => {
    const stamp = Date.now() % 1e9;
    const signedUp = await post({
      query: "mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token } }",
      variables: { input: { email: `traced-${stamp}@example.com`, handle: `traced${stamp}`, password: "correct horse battery", name: "Traced" } },
    });
    const { token } = ((await signedUp.json()) as any).data.signUp;
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const title = `A traced title ${stamp}`;
    const response = await post(
      { query: "mutation CreatePost($input: CreatePostInput!) { createPost(input: $input) { title } }", operationName: "CreatePost", variables: { input: { title, body: "Traced body." } } },
      { traceparent: `00-${traceId}-b7ad6b7169203331-01`, authorization: `Bearer ${token}` },
    );
    expect(((await response.json()) as any).data.createPost.title).toBe(title);
    const spans = await spansOf(traceId, (mine) => mine.some((span) => span.kind === SERVER_KIND));
    const request = spans.find((span) => span.kind === SERVER_KIND)!;
    const operation = spans.find((span) => span.name === "graphql.mutation CreatePost")!;
    expect(operation.parentSpanId).toBe(request.spanId);
    const under = (parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId && span.kind === CLIENT_KIND);
    // The unit of work's own statements (BEGIN, the acting account read FOR SHARE, COMMIT) are the operation's too.
    const unit = under(operation);
    expect(unit[0]!.name).toBe("BEGIN");
    expect(unit[1]!.attributes["db.query.text"]).toMatch(/FOR SHARE/);
    expect(unit.at(-1)!.name).toBe("COMMIT");
    expect(unit.map((span) => span.name)).toContain("INSERT");
    expect(unit[1]!.attributes["db.query.text"]).toMatch(/FROM "users" WHERE "id" = \$1/);
    // A mutation's viewer is read by its unit only: the request sends no statement of its own.
    expect(under(request)).toEqual([]);
    expect(JSON.stringify(spans)).not.toContain(title);
  });
});

describe("tracingRequested", () => {
  it("is off without the OTEL_* variables, and with OTEL_SDK_DISABLED or the exporter none", () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: "console" })).toBe(true);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(false);
    expect(tracingRequested({ OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "otlp" })).toBe(false);
  });
});
