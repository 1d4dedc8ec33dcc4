import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/**
 * The databases the database suites run on: always the embedded PGlite, and
 * PostgreSQL too when TEST_DATABASE_URL names a server. On PostgreSQL every
 * suite gets its own database, cloned from a template that global setup
 * migrated once, so suites never see each other's rows.
 */
export type TestDatabaseKind = "pglite" | "postgres";

export const testDatabaseKinds: TestDatabaseKind[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

export function urlForDatabase(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database on the test server, cloned from the migrated template; returns its URL and a dropper. */
export async function createPostgresTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = inject("postgresTemplate");
  if (!template) throw new Error("no PostgreSQL template database; is test/support/global-setup.ts configured?");
  const name = uniqueDatabaseName("inkwell_test");
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    url: urlForDatabase(name),
    drop: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
