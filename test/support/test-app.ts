import { afterAll, beforeAll } from "vitest";
import { createApp, type App } from "../../src/app.js";
import type { Config, DatabaseConfig } from "../../src/config.js";
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
}

export const TEST_AUTH_SECRET = "test-secret-that-is-at-least-32-characters-long";

/** A running app over a database of its own, empty but migrated. */
export async function startTestApp(kind: TestDatabaseKind, options: TestAppOptions = {}): Promise<TestApp> {
  const shared = {
    statementTimeoutMs: 30_000,
    transactionMaxWaitMs: 5_000,
    transactionTimeoutMs: 15_000,
    logQueries: options.logQueries ?? false,
    countStatements: true,
    relationLoadStrategy: options.relationLoadStrategy ?? "join",
  } as const;
  let drop: (() => Promise<void>) | undefined;
  let database: DatabaseConfig;
  if (kind === "postgres") {
    const created = await createPostgresTestDatabase();
    drop = created.drop;
    database = {
      kind: "postgres",
      url: created.url,
      ...shared,
      poolSize: 5,
      preparedStatements: true,
      poolTimeoutMs: 5_000,
      idleTimeoutMs: 10_000,
      maxLifetimeSeconds: 600,
    };
  } else {
    database = { kind: "pglite", dir: "memory://", ...shared };
  }
  const config: Config = {
    nodeEnv: "test",
    host: "127.0.0.1",
    port: 0,
    dataDir: "/nonexistent",
    database,
    authSecret: TEST_AUTH_SECRET,
    tokenTtlSeconds: 3_600,
    logLevel: "debug",
    seedDemoData: false,
  };
  const logs: LogLine[] = [];
  const app = await createApp(config, createLogger("debug", (line) => logs.push(JSON.parse(line) as LogLine)));
  if (kind === "postgres") await app.database.migrate();

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
