import { execFile, spawn } from "node:child_process";
import { subscribe } from "./support/subscriptions.js";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createConnection, createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds, uniqueDatabaseName, urlForDatabase, withAdminClient } from "./support/databases.js";
import { signUp } from "./support/fixtures.js";
import { startTestApp, useTestApp } from "./support/test-app.js";
import { MAX_REQUEST_BODY_BYTES } from "../src/yoga.js";
import { serverArgs } from "./support/server-process.js";

const run = promisify(execFile);

describe.each(testDatabaseKinds)("HTTP surface on %s", (kind) => {
  const app = useTestApp(kind);

  it("serves GraphiQL with an example query to a browser", async () => {
    const response = await app.current.fetch("/graphql", { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("Inkwell GraphiQL");
    expect(html).toContain("query NewestPosts");
    // Served whole: no script, style or icon from a CDN, and a policy that allows none.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'self'; script-src 'self' blob: 'sha256-[^']+';.*connect-src 'self'/);
  });

  it("sends GraphiQL's 9 MB gzipped to a browser that takes gzip, and an unchanged page again as a 304 with no body", async () => {
    const plain = await app.current.fetch("/graphql", { headers: { accept: "text/html" } });
    const html = await plain.text();
    expect(html.length).toBeGreaterThan(5_000_000);
    const etag = plain.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(plain.headers.get("content-encoding")).toBeNull();

    const zipped = await app.current.fetch("/graphql", { headers: { accept: "text/html", "accept-encoding": "gzip, deflate, br" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toMatch(/accept-encoding/i);
    const body = Buffer.from(await zipped.arrayBuffer());
    expect(body.length).toBeLessThan(html.length / 3);
    expect(gunzipSync(body).toString("utf8")).toBe(html);
    expect(zipped.headers.get("content-security-policy")).toBe(plain.headers.get("content-security-policy"));
    // gzip refused outright: the page as it is.
    const refused = await app.current.fetch("/graphql", { headers: { accept: "text/html", "accept-encoding": "gzip;q=0, identity" } });
    expect(refused.headers.get("content-encoding")).toBeNull();
    expect((await refused.text()).length).toBe(html.length);

    const again = await app.current.fetch("/graphql/", { headers: { accept: "text/html", "accept-encoding": "gzip", "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    const stale = await app.current.fetch("/graphql", { headers: { accept: "text/html", "if-none-match": '"an-older-page"' } });
    expect(stale.status).toBe(200);
  });

  it("answers GraphQL over GET and POST", async () => {
    const get = await app.current.fetch(`/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json" } });
    expect(await get.json()).toEqual({ data: { __typename: "Query" } });
    const post = await app.current.graphql(`{ __typename }`);
    expect(post.body).toEqual({ data: { __typename: "Query" } });
  });

  it("refuses a mutation over GET", async () => {
    const response = await app.current.fetch(`/graphql?query=${encodeURIComponent("mutation { deletePost(id: \"x\") }")}`, {
      headers: { accept: "application/graphql-response+json" },
    });
    expect(response.status).toBe(405);
    expect(await response.text()).toContain("Can only perform a mutation operation from a POST request");
  });

  it("echoes a caller's request id, or makes one", async () => {
    const given = await app.current.graphql(`{ __typename }`, { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await app.current.graphql(`{ __typename }`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one structured line per operation with request id, name, duration and statement count", async () => {
    const user = await signUp(app.current);
    const response = await app.current.graphql(`query ViewerPosts { viewer { posts(first: 1) { edges { cursor } } } }`, {
      token: user.token,
      headers: { "x-request-id": "log-line-1" },
    });
    const lines = app.current.logs.filter((line) => line.message === "operation" && line.requestId === "log-line-1");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", operationName: "ViewerPosts", operationType: "query", sqlStatements: response.statements.length, errors: 0 });
    expect(lines[0]!.durationMs).toEqual(expect.any(Number));
  });

  it("refuses a body over the limit with HTTP 413, declared or streamed", async () => {
    const oversized = JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(MAX_REQUEST_BODY_BYTES) } });
    const declared = await app.current.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(oversized)) },
      body: oversized,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT", reason: "REQUEST_ENTITY_TOO_LARGE" } }] });
    // Chunked: no Content-Length, so the body is counted as it arrives.
    const bytes = new TextEncoder().encode(oversized);
    const streamed = await app.current.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.subarray(i, i + 65_536));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const fits = await app.current.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(MAX_REQUEST_BODY_BYTES - 100) } }),
    });
    expect(fits.status).toBe(200);
  });

  it("reports liveness at /healthz and readiness at /readyz", async () => {
    expect((await app.current.fetch("/healthz")).status).toBe(200);
    expect((await app.current.fetch("/readyz")).status).toBe(200);
  });
});

describe.each(testDatabaseKinds)("query logging on %s", (kind) => {
  const app = useTestApp(kind, { logQueries: true });

  it("logs every SQL statement with its duration when DB_LOG_QUERIES is on", async () => {
    const response = await app.current.graphql(`{ posts(first: 1) { edges { node { title author { handle } } } } }`, {
      headers: { "x-request-id": "sql-log-1" },
    });
    const sqlLines = app.current.logs.filter((line) => line.message === "sql" && line.requestId === "sql-log-1");
    expect(sqlLines.map((line) => line.sql)).toEqual(expect.arrayContaining(response.statements));
    expect(sqlLines.every((line) => typeof line.durationMs === "number")).toBe(true);
  });
});

describe.each(testDatabaseKinds)("readiness on %s", (kind) => {
  it("answers 503 when the database does not", async () => {
    const t = await startTestApp(kind);
    try {
      await t.app.database.close();
      expect((await t.fetch("/healthz")).status).toBe(200);
      const ready = await t.fetch("/readyz");
      expect(ready.status).toBe(503);
      expect(ready.headers.get("retry-after")).toBe("1");
    } finally {
      await t.close().catch(() => undefined);
    }
  });

  it("answers 503 on a database that lacks a migration this code expects", async () => {
    const t = await startTestApp(kind);
    try {
      expect((await t.fetch("/readyz")).status).toBe(200);
      await t.app.database.prisma.$executeRawUnsafe(
        `DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`,
      );
      const ready = await t.fetch("/readyz");
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/not migrated: 1 pending/);
      await t.app.database.prisma.$executeRawUnsafe(`DROP TABLE _prisma_migrations`);
      expect(await (await t.fetch("/readyz")).text()).toMatch(/not migrated/);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))("an unmigrated PostgreSQL", () => {
  it("is said at start in one line, answers 503 DATABASE_NOT_MIGRATED until migrated, then serves", async () => {
    const name = uniqueDatabaseName("inkwell_unmigrated");
    await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
    const t = await startTestApp("postgres", { databaseUrl: urlForDatabase(name), migrate: false });
    try {
      const said = t.logs.filter((line) => /migrat/i.test(JSON.stringify(line)));
      expect(said).toEqual([
        expect.objectContaining({
          level: "warn",
          message: "the database is not migrated (run npm run db:migrate); until then GraphQL requests are answered 503 DATABASE_NOT_MIGRATED",
        }),
      ]);

      for (const query of [`{ posts(first: 1) { edges { node { title } } } }`, `mutation { logIn(input: { email: "a@example.com", password: "x" }) { token } }`]) {
        const refused = await t.graphql(query);
        expect({ status: refused.status, retryAfter: refused.headers.get("retry-after"), body: refused.body }).toEqual({
          status: 503,
          retryAfter: "5",
          body: { errors: [{ message: "The database is not migrated for this version of the server; try again shortly.", extensions: { code: "DATABASE_NOT_MIGRATED" } }] },
        });
      }
      expect(t.logs.filter((line) => line.level === "error")).toEqual([]);

      await t.app.database.migrate();
      const served = await t.graphql(`{ posts(first: 1) { edges { node { title } } } }`);
      expect({ status: served.status, body: served.body }).toEqual({ status: 200, body: { data: { posts: { edges: [] } } } });
    } finally {
      await t.close().catch(() => undefined);
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });
});

describe.runIf(testDatabaseKinds.includes("postgres"))("readiness on a busy PostgreSQL pool", () => {
  it("stays 200 while every pooled connection is taken", async () => {
    const t = await startTestApp("postgres", { env: { DB_POOL_SIZE: "2" } });
    try {
      // Both pooled connections sleep inside transactions for longer than
      // readiness waits (2 s); it answers 200 only on a connection of its own.
      const sleepers = [1, 2].map(() =>
        t.app.database.prisma.$transaction((tx) => tx.$executeRawUnsafe(`SELECT pg_sleep(3)`), { timeout: 10_000 }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await t.fetch("/readyz")).status).toBe(200);
      await Promise.all(sleepers);
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe("the server process", () => {
  function startServer(env: Record<string, string>) {
    // As `npm start` runs it: one Node process. The `tsx` command would put a parent process in
    // front that SIGKILLs the server when it does not acknowledge a relayed signal within 30 ms,
    // which a busy server sometimes cannot (that was the suite's flaky "UND_ERR_SOCKET").
    const child = spawn(process.execPath, serverArgs(), { env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const match = output.match(/"message":"listening","url":"(http:[^"]+)"/);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });
    listening.catch(() => undefined); // a test that expects the start to fail never awaits it
    return { child, exited, listening, output: () => output };
  }

  it("starts on a fresh embedded database with demo data, finishes in-flight requests on SIGTERM, and exits 0", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "inkwell-"));
    try {
      const server = startServer({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" });
      const url = await server.listening;
      const demo = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ posts(first: 3) { edges { node { title author { handle } } } } }" }),
      });
      expect(((await demo.json()) as any).data.posts.edges).toHaveLength(3);

      // A sign-up hashes a password (tens of milliseconds): still in flight when SIGTERM lands.
      const inFlight = fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `mutation { signUp(input: { email: "late@example.com", handle: "late_one", password: "long enough password", name: "Late" }) { user { handle } } }`,
        }),
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      server.child.kill("SIGTERM");
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { signUp: { user: { handle: "late_one" } } } });
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('"message":"demo data loaded"');
      expect(server.output()).toContain('"message":"stopped"');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("ends an open subscription with SHUTTING_DOWN on SIGTERM and still exits 0 at once", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "inkwell-"));
    try {
      const server = startServer({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", SEED_DEMO_DATA: "false" });
      const url = await server.listening;
      const stream = await subscribe({ fetch: (pathname: string, init: RequestInit) => fetch(new URL(pathname, url), init) }, "subscription { postPublished { node { id } } }");
      expect(stream.status).toBe(200);
      const stoppedAt = Date.now();
      server.child.kill("SIGTERM");
      const last = await stream.next(5_000);
      expect(last.errors?.map((error) => error.extensions?.code)).toEqual(["SHUTTING_DOWN"]);
      await stream.completed;
      expect(await server.exited).toBe(0);
      // Well inside the grace period: the open stream did not hold the shutdown up.
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  /** The PID of a process's only child, or null once it has none. */
  async function childOf(pid: number): Promise<number | null> {
    const { stdout } = await run("ps", ["-o", "pid=", "--ppid", String(pid)]).catch(() => ({ stdout: "" }));
    const pids = stdout.split("\n").map((line) => Number(line.trim())).filter(Boolean);
    return pids[0] ?? null;
  }

  function isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  // Process managers and containers signal the process they started, which
  // for the documented command is npm, not the server: the server must get
  // the signal, drain, and be gone (port and all) when npm exits.
  it.each(["SIGTERM", "SIGINT"] as const)("`npm start` sent %s: the server drains and exits 0, leaving no process and a free port", async (signal) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "inkwell-"));
    const npm = spawn("npm", ["start"], {
      env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "info", DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let output = "";
      npm.stdout.on("data", (chunk) => (output += chunk));
      npm.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => npm.on("exit", (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        npm.stdout.on("data", () => {
          const match = output.match(/"message":"listening","url":"(http:[^"]+)"/);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
      });
      const server = await childOf(npm.pid!);
      expect(server).not.toBeNull();
      expect((await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{ __typename }"}' })).status).toBe(200);

      npm.kill(signal);
      expect(await exited).toBe(0);
      expect(output).toContain(`"message":"shutting down","signal":"${signal}"`);
      expect(output).toContain('"message":"stopped"');
      expect(isRunning(server!)).toBe(false);
      await expect(fetch(url)).rejects.toMatchObject({ cause: { code: "ECONNREFUSED" } });
    } finally {
      if (npm.pid) {
        const server = await childOf(npm.pid);
        if (server) process.kill(server, "SIGKILL");
      }
      npm.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  describe("its connections", () => {
    let server: ReturnType<typeof startServer>;
    let url: URL;
    beforeAll(async () => {
      server = startServer({ DATA_DIR: "memory://", PORT: "0", HOST: "127.0.0.1", SEED_DEMO_DATA: "false", REQUEST_TIMEOUT_S: "1" });
      url = new URL(await server.listening);
    }, 60_000);
    afterAll(async () => {
      server.child.kill("SIGTERM");
      await server.exited;
    });

    /** Sends `parts` a `gapMs` apart on a raw connection; what came back when the server closed it, and when. */
    const trickle = (parts: string[], gapMs: number) =>
      new Promise<{ answer: string; afterMs: number }>((resolve, reject) => {
        const startedAt = Date.now();
        const socket = createConnection({ host: url.hostname, port: Number(url.port) });
        let answer = "";
        const timers: NodeJS.Timeout[] = [];
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (answer += chunk));
        socket.on("error", reject);
        socket.on("close", () => {
          timers.forEach(clearTimeout);
          resolve({ answer, afterMs: Date.now() - startedAt });
        });
        parts.forEach((part, i) => timers.push(setTimeout(() => socket.writable && socket.write(part), i * gapMs)));
      });

    it("answers 408 to a request whose headers or body trickle in past REQUEST_TIMEOUT_S, and closes its connection", async () => {
      const body = JSON.stringify({ query: "{ __typename }" });
      const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n`;
      // A connection that sends nothing; headers a line every 400 ms (8 s of them), never finished;
      // whole headers and then a body a byte every 400 ms.
      const slowHeaders = [head, ...Array.from({ length: 20 }, (_, i) => `X-Padding-${i}: x\r\n`)];
      const slowBody = [`${head}\r\n`, ...body.split("")];
      for (const parts of [[], slowHeaders, slowBody]) {
        const { answer, afterMs } = await trickle(parts, 400);
        expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
        // Past the second it was given, found at one of Node's looks (every second), long before the client was done (8 s and more).
        expect(afterMs).toBeGreaterThanOrEqual(1_000);
        expect(afterMs).toBeLessThan(6_000);
      }
      // The same request sent whole, over a connection kept open longer than the timeout, is answered.
      const { answer } = await trickle([`${head}Connection: close\r\n\r\n${body}`], 0);
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer).toContain('{"data":{"__typename":"Query"}}');
    }, 60_000);

    it("answers Expect: 100-continue with 413 at once for a declared body over the limit, and with 100 Continue within it", async () => {
      const head = (length: number) =>
        `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
      // Over the limit: the body limit's own answer, before the client sends a byte of its body.
      const over = await trickle([head(MAX_REQUEST_BODY_BYTES + 1)], 0);
      expect(over.answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(over.answer).toContain('"reason":"REQUEST_ENTITY_TOO_LARGE"');
      // Within it: told to go on, then answered once the body has come.
      const body = JSON.stringify({ query: "{ __typename }" });
      const within = await new Promise<string>((resolve, reject) => {
        const socket = createConnection({ host: url.hostname, port: Number(url.port) });
        let answer = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          answer += chunk;
          if (answer === "HTTP/1.1 100 Continue\r\n\r\n") socket.write(body);
        });
        socket.on("error", reject);
        socket.on("close", () => resolve(answer));
        socket.write(head(body.length));
      });
      expect(within).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
      expect(within).toContain('{"data":{"__typename":"Query"}}');
    });
  });

  it("fails on a busy port with one line, before it opens the database", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "inkwell-")), "data");
    const occupant = createNetServer();
    await new Promise<void>((resolve) => occupant.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = occupant.address() as AddressInfo;
      const server = startServer({ DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" });
      expect(await server.exited).toBe(1);
      expect(server.output()).toBe(`Port ${port} on 127.0.0.1 is already in use (another Inkwell?); stop it or set PORT.\n`);
      await expect(stat(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      occupant.close();
      await rm(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it("refuses to start with an invalid setting, naming the variable", async () => {
    const server = startServer({ DATABASE_URL: "postgresql://127.0.0.1/none", DB_POOL_SIZE: "lots" });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("Invalid configuration: DB_POOL_SIZE: must be a whole number");
  });
});
