import pg from "pg";
import { expectedMigrationNames } from "./migrations.js";

/** Longest a readiness check waits for the database. */
export const READINESS_TIMEOUT_MS = 2_000;

/** The database answered, but this instance cannot serve from it. */
export class NotReadyError extends Error {}

/** Runs one query and returns its rows. */
export type ReadinessQuery = (sql: string) => Promise<Array<Record<string, unknown>>>;

/**
 * "This instance can serve": the database answers, and every migration
 * this code expects is applied (and none failed half-way). Throws with the
 * reason otherwise.
 */
export async function checkReadiness(query: ReadinessQuery): Promise<void> {
  const expected = await expectedMigrationNames();
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await query(
      "SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE rolled_back_at IS NULL",
    );
  } catch (error) {
    // 42P01: undefined_table, a database nobody has migrated.
    if ((error as { code?: string }).code === "42P01") throw new NotReadyError("the database is not migrated (run npm run db:migrate)");
    throw error;
  }
  const applied = new Set(rows.filter((row) => row.finished === true).map((row) => String(row.migration_name)));
  const pending = expected.filter((name) => !applied.has(name));
  if (pending.length) throw new NotReadyError(`the database is not migrated: ${pending.length} pending (run npm run db:migrate)`);
  if (rows.some((row) => row.finished !== true)) throw new NotReadyError("a migration failed half-way; see _prisma_migrations");
}

/**
 * Readiness on PostgreSQL through one connection of its own, not the
 * pool: a pool that is busy serving requests is not a reason to take the
 * instance out of rotation, and the check must not wait behind it. The
 * connection is opened on first use and replaced after any failure; checks
 * that arrive while one runs share its answer.
 */
export function postgresReadiness(
  connectionString: string,
  { timeoutMs = READINESS_TIMEOUT_MS, options }: { timeoutMs?: number; options?: string } = {},
): { check(): Promise<void>; close(): Promise<void> } {
  let client: Promise<pg.Client> | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const connect = () => {
    const fresh = new pg.Client({
      connectionString,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: "inkwell-readiness",
      // The same search_path as the pool's, so it checks this instance's schema.
      options,
    });
    // A dropped connection emits 'error'; it is replaced on the next check.
    fresh.on("error", () => discard());
    return fresh.connect().then(() => fresh);
  };
  const discard = () => {
    const old = client;
    client = undefined;
    void old?.then((c) => c.end()).catch(() => undefined);
  };
  const once = async () => {
    if (closed) throw new Error("the server is shutting down");
    client ??= connect();
    try {
      const connection = await client;
      await checkReadiness(async (sql) => (await connection.query(sql)).rows as Array<Record<string, unknown>>);
    } catch (error) {
      if (!(error instanceof NotReadyError)) discard();
      throw error;
    }
  };
  return {
    check() {
      running ??= once().finally(() => {
        running = undefined;
      });
      return running;
    },
    async close() {
      closed = true;
      discard();
    },
  };
}
