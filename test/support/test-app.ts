import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, inject } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { inMemory, loadConfig } from "../../src/config.js";
import { SqlLog, withSqlLog, type LoggedStatement } from "../../src/db/sql-log.js";
import { createLogger } from "../../src/logger.js";
import { createPostgresTestDatabase, type TestDatabaseKind } from "./databases.js";

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: TData | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }> };
  /** Every SQL statement the request sent, as recorded at the driver adapter. */
  statements: string[];
  /** The same statements with the rows each returned and its parameters. */
  log: LoggedStatement[];
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  kind: TestDatabaseKind;
  app: App;
  logs: LogLine[];
  graphql<TData = Record<string, any>>(query: string, options?: RequestOptions): Promise<GraphQLResponse<TData>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  relationLoadStrategy?: "join" | "query";
  logQueries?: boolean;
  /** More settings, as environment variables (read by loadConfig). */
  env?: Record<string, string>;
  /** A PostgreSQL database of the caller's (migrated here, never dropped) instead of a fresh one. */
  databaseUrl?: string;
  /** false: leave the caller's PostgreSQL database as it is, unmigrated. */
  migrate?: boolean;
}

export const TEST_AUTH_SECRET = "test-secret-that-is-at-least-32-characters-long";

/** A running app over a database of its own, empty but migrated. */
export async function startTestApp(kind: TestDatabaseKind, options: TestAppOptions = {}): Promise<TestApp> {
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl = options.databaseUrl;
  if (kind === "postgres" && !databaseUrl) {
    const created = await createPostgresTestDatabase();
    drop = created.drop;
    databaseUrl = created.url;
  }
  // The same reading of the environment the server does, with the test's own settings.
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: "/nonexistent",
    AUTH_SECRET: TEST_AUTH_SECRET,
    AUTH_TOKEN_TTL_S: "3600",
    LOG_LEVEL: "debug",
    SEED_DEMO_DATA: "false",
    DB_STATEMENT_TIMEOUT_MS: "30000",
    DB_COUNT_STATEMENTS: "true",
    DB_LOG_QUERIES: String(options.logQueries ?? false),
    DB_RELATION_LOAD_STRATEGY: options.relationLoadStrategy ?? "join",
    DB_POOL_SIZE: "5",
    DB_IDLE_TIMEOUT_MS: "10000",
    // Suites sign many users up from one address; the rate-limit tests ask for tight limits.
    RATE_LIMIT_LOGIN_PER_ADDRESS: "100000",
    RATE_LIMIT_WRITES_PER_ACCOUNT: "100000",
    RATE_LIMIT_LOGIN_PER_ACCOUNT: "100000",
    RATE_LIMIT_SIGNUP_PER_ADDRESS: "100000",
    // A background VACUUM or ANALYZE would change the plans and statistics tests read; its own test turns it on.
    PGLITE_AUTOVACUUM_S: "0",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DIR: "memory://" }),
    ...options.env,
  });
  const logs: LogLine[] = [];
  const app = await createApp(config, createLogger("debug", (line) => logs.push(JSON.parse(line) as LogLine)), {
    embeddedStart: config.database.kind === "pglite" && inMemory(config.database.dir) ? await migratedPglite() : undefined,
  });
  if (kind === "postgres" && options.migrate !== false) await app.database.migrate();

  const fetchApp = (path: string, init: RequestInit = {}) =>
    Promise.resolve(app.yoga.fetch(new URL(path, "http://inkwell.test"), init));
  return {
    kind,
    app,
    logs,
    fetch: fetchApp,
    async graphql(query, { variables, token, headers } = {}) {
      const log = new SqlLog();
      const response = await withSqlLog(log, () =>
        fetchApp("/graphql", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json, application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
          body: JSON.stringify({ query, variables }),
        }),
      );
      return { status: response.status, headers: response.headers, body: (await response.json()) as any, statements: log.statements, log: log.entries };
    },
    async close() {
      try {
        await app.close();
      } finally {
        await drop?.();
      }
    },
  };
}

let migratedDump: Promise<Blob> | undefined;

/** The migrated embedded database global setup dumped (test/support/global-setup.ts), read once per test process. */
function migratedPglite(): Promise<Blob> {
  migratedDump ??= readFile(inject("pgliteTemplate")).then((bytes) => new Blob([bytes]));
  return migratedDump;
}

/** Starts an app for the enclosing `describe` and closes it after; read `.current` inside tests. */
export function useTestApp(kind: TestDatabaseKind, options?: TestAppOptions): { current: TestApp } {
  const holder = {} as { current: TestApp };
  beforeAll(async () => {
    holder.current = await startTestApp(kind, options);
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return holder;
}
