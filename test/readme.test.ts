import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl, testDatabaseKinds, uniqueDatabaseName, withAdminClient } from "./support/databases.js";
import { eventStreamParts } from "./support/incremental.js";
import { subscribe } from "./support/subscriptions.js";
import { useTestApp, type TestApp } from "./support/test-app.js";

/**
 * The README is for a newcomer, who runs what it shows as it shows it:
 * every GraphQL example and every command in it is run here (or, for the
 * few that CI itself is, named with where), and a README that gains one this
 * test does not know fails until it does.
 */
const README = readFileSync("README.md", "utf8");
const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1]!, body: match[2]! }));
const shellBlocks = blocks.filter((block) => block.lang === "sh").map((block) => block.body);
/** Every command line shown, continuation lines (`\` at the end) joined. */
const commandLines = shellBlocks.flatMap((body) =>
  body.replace(/\\\n\s*/g, "").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#")),
);

/** Commands CI runs itself, outside this suite. */
const RUN_BY_CI: Record<string, string> = {
  "npm install": ".ci/run installs with npm ci from the same lockfile",
  "npm test": ".ci/run runs the README's test command",
  "TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm test": ".ci/run runs npm test with TEST_DATABASE_URL on the local PostgreSQL",
};

/** Commands this suite runs elsewhere. */
const RUN_BY_OTHER_TESTS: Record<string, string> = {
  "npm run codegen": "test/client/codegen.test.ts generates with codegen.ts and compares",
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm start":
    "test/http/tracing.test.ts starts the server as npm start does, with OTEL_EXPORTER_OTLP_ENDPOINT at an OTLP receiver of its own",
};

const npmScripts = Object.keys((JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts);

// ---------------------------------------------------------------------------
// GraphQL examples
// ---------------------------------------------------------------------------

interface ExampleRun {
  /** Whose token it is sent with ("ada" is the one SignUp makes). */
  as?: "ada" | "admin" | "writer2";
  variables?: (state: ExampleState) => Record<string, unknown>;
  headers?: Record<string, string>;
  /** What a newcomer should see besides "no errors". */
  check?: (data: Record<string, any>, state: ExampleState) => void;
}

interface ExampleState {
  tokens: Partial<Record<"ada" | "admin" | "writer2", string>>;
  written?: string;
  ada?: string;
}

/** Every operation the README shows, in the order it shows them, with what it needs. */
const EXAMPLES: Record<string, ExampleRun> = {
  SignUp: {
    check: (data, state) => {
      state.tokens.ada = data.signUp.token;
      state.ada = data.signUp.user.id;
    },
  },
  Write: { as: "ada", check: (data, state) => void (state.written = data.createPost.id) },
  Publish: { as: "ada", variables: (state) => ({ id: state.written }), check: (data) => expect(data.publishPost.status).toBe("PUBLISHED") },
  Feed: { check: (data) => expect(data.posts.edges.map((edge: any) => edge.node.title)).toContain("On drafts") },
  Moderate: {
    as: "admin",
    variables: (state) => ({ posts: [state.written], users: [state.ada] }),
    check: (data) => expect([data.unpublishPosts.affectedCount, data.suspendUsers.affectedCount]).toEqual([1, 1]),
  },
  Search: { check: (data) => expect(data.search.edges[0]?.node.title).toMatch(/^The quiet draft, part \d+$/) },
  Stats: { check: (data) => expect(data.stats.postsPerMonth.length).toBeGreaterThan(0) },
  Grant: { as: "admin", check: (data) => expect(data.grantCredits).toMatchObject({ amount: 100, to: { handle: "writer2" } }) },
  Tip: { as: "writer2", headers: { "idempotency-key": "5f0c7a52-tip-1" }, check: (data) => expect(data.sendCredits.to.handle).toBe("writer3") },
  MyCredits: { as: "writer2", check: (data) => expect(data.viewer.credits.balance).toBe(75) },
};
/** Operations answered in parts, read as GraphiQL reads them. */
const STREAMED = new Set(["Export"]);

/** Subscriptions the README shows: each is opened, something is done that it reports, and the event checked. */
const SUBSCRIBED: Record<string, { variables: Record<string, unknown>; meanwhile: (t: TestApp, state: ExampleState) => Promise<void>; check: (data: Record<string, any>) => void }> = {
  LiveComments: {
    // The demo's first post, as GraphiQL's NewComments tab has it.
    variables: { postId: "UG9zdDox" },
    meanwhile: async (t, state) => {
      const added = await t.graphql(`mutation { addComment(input: { postId: "UG9zdDox", body: "Live from the README." }) { id } }`, { token: state.tokens.writer2 });
      expect(added.body.errors).toBeUndefined();
    },
    check: (data) => expect(data.commentAdded.node).toMatchObject({ body: "Live from the README.", author: { handle: "writer2" } }),
  },
};

const documents = blocks
  .filter((block) => block.lang === "graphql")
  .flatMap((block) => [...block.body.matchAll(/^(?:query|mutation|subscription)\s+(\w+)/gm)].map((match) => ({ name: match[1]!, document: block.body })));

describe("the README's GraphQL examples, on the demo data", () => {
  const app = useTestApp("pglite", { env: { SEED_DEMO_DATA: "true" } });

  it("are all known to this test", () => {
    expect(documents.map((entry) => entry.name).filter((name) => !(name in EXAMPLES) && !STREAMED.has(name) && !(name in SUBSCRIBED))).toEqual([]);
  });

  it("run as shown, each answering what the README says", async () => {
    const t = app.current;
    const state: ExampleState = { tokens: {} };
    for (const [who, email] of [["admin", "writer1@example.com"], ["writer2", "writer2@example.com"]] as const) {
      const logIn = await t.graphql(`mutation { logIn(input: { email: "${email}", password: "inkwell-password" }) { token } }`);
      state.tokens[who] = logIn.body.data!.logIn.token;
    }
    for (const { name, document } of documents) {
      if (STREAMED.has(name)) {
        const parts = await streamed(t, document, name, state.tokens.admin!);
        expect(parts.flatMap((part) => part.errors ?? []), name).toEqual([]);
        expect(parts.length, name).toBeGreaterThan(1);
        continue;
      }
      const live = SUBSCRIBED[name];
      if (live) {
        const stream = await subscribe(t, document, { variables: live.variables, operationName: name });
        await live.meanwhile(t, state);
        const event = await stream.next();
        stream.close();
        expect({ name, errors: event.errors }).toEqual({ name, errors: undefined });
        live.check(event.data!);
        continue;
      }
      const run = EXAMPLES[name]!;
      const token = run.as ? state.tokens[run.as] : undefined;
      const send = () =>
        t.fetch("/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...run.headers },
          body: JSON.stringify({ query: document, operationName: name, variables: run.variables?.(state) }),
        });
      const response = await send();
      const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
      expect({ name, errors: body.errors }).toEqual({ name, errors: undefined });
      run.check?.(body.data!, state);
      if (run.headers?.["idempotency-key"]) {
        // "Sent again with the same key: the same answer, Idempotent-Replayed: true".
        const again = await send();
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(await again.json()).toEqual(body);
      }
    }
  });
});

async function streamed(t: TestApp, document: string, operationName: string, token: string) {
  const response = await t.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document, operationName }),
  });
  const parts = [];
  for await (const part of eventStreamParts(response)) parts.push(part);
  return parts;
}

describe("the README's TypeScript", () => {
  const snippets = blocks.filter((block) => block.lang === "ts").map((block) => block.body);

  it("is what client/example.ts runs (the commands below run it), and every snippet parses", () => {
    expect(readFileSync("client/example.ts", "utf8")).toContain(snippets[0]);
    for (const snippet of snippets) {
      const { diagnostics = [] } = ts.transpileModule(snippet, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
      expect(diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))).toEqual([]);
    }
    // The Apollo Client setup shown is the one test/client/apollo.test.ts runs.
    expect(snippets.some((snippet) => snippet.includes("new PersistedQueryLink({ generateHash: (document) => (document as any).__meta__.hash })"))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/** A command line run with bash in the repository, as a newcomer's shell would. */
function shell(command: string, env: NodeJS.ProcessEnv) {
  return spawnSync("bash", ["-euo", "pipefail", "-c", command], { env, encoding: "utf8", timeout: 120_000 });
}

/** A server started by a command line (the last of `script`), once it listens; stop() sends SIGTERM to what the command started. */
async function serve(script: string, env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<number | null> }> {
  const lines = script.trim().split("\n");
  // `env` takes the line's own VAR=value prefixes and execs the command, so the signal reaches it.
  lines[lines.length - 1] = `exec env ${lines.at(-1)!}`;
  const child: ChildProcess = spawn("bash", ["-euo", "pipefail", "-c", lines.join("\n")], { env: { ...env, PORT: "0", HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 90 s:\n${output}`)), 90_000);
    child.stdout!.on("data", () => {
      const match = /"message":"listening","url":"(http:[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}

/** Runs `command` (one README line) and records it as run. */
const ran = new Set<string>();
function runs(command: string): string {
  expect(commandLines, `the README no longer shows ${command}`).toContain(command);
  ran.add(command);
  return command;
}

/** The README's commands with `[optional parts]` taken as given. */
const withOptions = (command: string) => command.replace(/\[([^\]]+)\]/g, "$1");

describe("the README's commands", () => {
  let data: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    data = await mkdtemp(path.join(tmpdir(), "inkwell-readme-"));
    // A newcomer's environment, with the data directory moved out of the checkout.
    env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: data, LOG_LEVEL: "info" };
  });
  afterAll(async () => {
    await rm(data, { recursive: true, force: true });
  });

  it("are each run by this test or by CI, and name only scripts package.json has", () => {
    const commandsTable = [...README.matchAll(/^\| `(npm run [\w:]+)[^`]*` \|/gm)].map((match) => match[1]!.split(" ")[2]!);
    const shown = [...commandLines.flatMap((line) => [...line.matchAll(/npm run (?:-s )?([\w:]+)/g)].map((match) => match[1]!)), ...commandsTable];
    expect(shown.filter((script) => !npmScripts.includes(script))).toEqual([]);
    // Every script is in the Commands table, so a newcomer can find it.
    expect(npmScripts.filter((script) => !["start", "test", "postinstall"].includes(script) && !commandsTable.includes(script))).toEqual([]);
  });

  it("serve, run the SDK example, the jobs and the exports on the embedded database", async () => {
    const server = await serve(runs("npm start"), env);
    try {
      const example = shell(runs("npx tsx client/example.ts"), { ...env, INKWELL_URL: server.url });
      expect(example.status, example.stderr).toBe(0);
      // "writer1" and the titles of the first three posts.
      expect(example.stdout).toMatch(/^writer1 \[\s*'[^']+',\s*'[^']+',\s*'[^']+'\s*\]\n$/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    for (const command of commandLines.filter((line) => line.startsWith("npm run job --"))) {
      const job = shell(withOptions(runs(command)), env);
      expect({ command, status: job.status, stderr: job.stderr }).toMatchObject({ command, status: 0 });
      expect(job.stdout).toMatch(/^(recount|purge-drafts): \d+ rows/m);
    }
    try {
      const ndjson = shell(runs("npm run export -- posts --format ndjson --out posts.ndjson"), env);
      expect(ndjson.status, ndjson.stderr).toBe(0);
      const lines = (await readFile("posts.ndjson", "utf8")).trim().split("\n");
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      const csv = shell(runs("npm run -s export -- posts --format csv > posts.csv"), env);
      expect(csv.status, csv.stderr).toBe(0);
      // The data alone: the header line first, no npm banner.
      expect((await readFile("posts.csv", "utf8")).split("\n")[0]).toMatch(/^id,/);
    } finally {
      await rm("posts.ndjson", { force: true });
      await rm("posts.csv", { force: true });
    }
  }, 300_000);

  it("run trusted documents as shown, by id, with only the manifest's documents", async () => {
    const [allow, only, curl] = commandLines.filter((line) => line.includes("TRUSTED_DOCUMENTS_MANIFEST=") || line.startsWith("curl "));
    const development = await serve(runs(allow!), env);
    expect(await development.stop()).toBe(0);
    const server = await serve(runs(only!), env);
    try {
      // The README's curl, at the port this server got.
      const answer = shell(runs(curl!).replace("localhost:4000", new URL(server.url).host), env);
      expect(answer.status, answer.stderr).toBe(0);
      expect((JSON.parse(answer.stdout) as { data: { posts: { edges: unknown[] } } }).data.posts.edges).toHaveLength(2);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 300_000);

  it.runIf(testDatabaseKinds.includes("postgres"))("set up and serve on PostgreSQL, one database and one schema of a shared one, as shown", async () => {
    const database = uniqueDatabaseName("inkwell_readme");
    const schema = uniqueDatabaseName("tenant_readme");
    // The README's server (127.0.0.1:5432, user postgres) is the one CI and these machines have: TEST_DATABASE_URL's.
    expect(serverUrl()).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:5432\//);
    try {
      const setUp = shellBlocks.find((body) => body.startsWith("createdb "))!;
      for (const line of setUp.trim().split("\n")) runs(line);
      // In a database of this run's instead of "inkwell".
      const server = await serve(setUp.replace(/\binkwell$/gm, database), env);
      try {
        const feed = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ posts(first: 3) { edges { node { title } } } }" }) });
        expect(((await feed.json()) as { data: { posts: { edges: unknown[] } } }).data.posts.edges).toHaveLength(3);
      } finally {
        expect(await server.stop()).toBe(0);
      }

      const tenant = shellBlocks.find((body) => body.includes("DATABASE_SCHEMA=tenant_a"))!;
      for (const line of tenant.trim().split("\n")) runs(line);
      const tenantServer = await serve(tenant.replaceAll("tenant_a", schema), env);
      try {
        const empty = await fetch(tenantServer.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ posts(first: 3) { edges { node { title } } } }" }) });
        expect(((await empty.json()) as { data: { posts: { edges: unknown[] } } }).data.posts.edges).toEqual([]);
      } finally {
        expect(await tenantServer.stop()).toBe(0);
      }
    } finally {
      await withAdminClient(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      });
    }
  }, 300_000);

  afterAll(() => {
    // Whatever this run could not reach (PostgreSQL without TEST_DATABASE_URL) is left to CI's run.
    const postgresBlocks = shellBlocks.filter((body) => /^(createdb |DATABASE_URL=)/m.test(body)).flatMap((body) => body.trim().split("\n"));
    const unaccounted = commandLines.filter(
      (line) => !ran.has(line) && !(line in RUN_BY_CI) && !(line in RUN_BY_OTHER_TESTS) && !(!testDatabaseKinds.includes("postgres") && postgresBlocks.includes(line)),
    );
    expect(unaccounted, "README commands no test runs").toEqual([]);
  });
});

describe("the README's Layout", () => {
  const section = README.slice(README.indexOf("## Layout"));
  const opening = section.indexOf("```\n") + 4;
  const block = section.slice(opening, section.indexOf("\n```", opening));
  // The paths at the start of each line (several are separated by commas), without the placeholders.
  const named = block
    .split("\n")
    .map((line) => line.slice(0, 43).trim())
    .filter(Boolean)
    .flatMap((paths) => paths.split(/,\s*/))
    .filter((entry) => !entry.includes("<"));

  it("names only paths that exist", () => {
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((entry) => spawnSync("test", ["-e", entry]).status !== 0);
    expect(missing).toEqual([]);
  });

  it("names every folder of src/ and every file at its top", () => {
    const listed = spawnSync("ls", ["-p", "src"], { encoding: "utf8" }).stdout.trim().split("\n");
    const unnamed = listed.filter((entry) => !block.includes(`src/${entry}`));
    expect(unnamed).toEqual([]);
  });
});
