import type { PGlite } from "@electric-sql/pglite";
import type { Transaction } from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { Prisma } from "./generated/prisma/client.js";
import type { PrismaTransaction } from "./handles.js";
import { isPlannedPerExecution } from "./statement-names.js";
import { timed, type StatementListener } from "./statement-timing.js";

/**
 * Runs the SQL the project writes itself (tagged templates, bound
 * parameters): the page queries, mostly. Outside a transaction it goes to
 * the driver directly, since Prisma's request pipeline costs more CPU than
 * the statement for a query whose SQL is already written; inside a
 * mutation's unit of work it goes to the driver too, on the connection of
 * the unit's transaction (driverTransactionRunner), so it reads that
 * transaction's writes.
 *
 * Rows come back with the types Prisma's raw queries give: `timestamp`
 * columns (UTC, without zone) as Dates, bigint as BigInt, JSON parsed, and
 * every statement is recorded like Prisma's (SqlLog, query log).
 */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: Prisma.Sql): Promise<T[]>;
}

/**
 * The column in which a statement returns rows nested in one JSON array: a
 * nested list's page read ahead with its parent's row (src/read/page-query.ts,
 * aheadPage). The rows a statement is recorded with count them too, so the
 * rows each statement returns are counted whatever shape carries them.
 */
export const AHEAD_COLUMN = "__ahead";

/** The rows a statement returned: its result rows and the rows nested in their AHEAD_COLUMN, at every level. */
export function rowsReturned(rows: readonly Record<string, unknown>[]): number {
  let count = rows.length;
  for (const row of rows) count += nestedRows(row[AHEAD_COLUMN]);
  return count;
}

/**
 * The rows of a page read ahead: each is a JSON array whose last entry is
 * the page read ahead below it (an array of such rows), or null.
 */
function nestedRows(page: unknown): number {
  if (!Array.isArray(page)) return 0;
  let count = page.length;
  for (const element of page) if (Array.isArray(element)) count += nestedRows(element[element.length - 1]);
  return count;
}

const TIMESTAMP = 1114;
const INT8 = 20;
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

/**
 * Where a postgresRunner sends its statements: the pool (reads, each on
 * whichever connection is free), or one connection in a transaction.
 */
export type PostgresConnections = { kind: "pool"; pool: Pick<pg.Pool, "query" | "connect"> } | { kind: "transaction"; connection: Pick<pg.PoolClient, "query"> };

/**
 * The runner over pg. With `genericPlans` (connections that force generic
 * plans), a statement planned per execution (src/db/statement-names.ts)
 * runs with `plan_cache_mode = auto`: on a connection of its own, set and
 * reset around it (a connection whose reset fails is closed, never handed
 * back planning otherwise), or for the rest of the transaction it is in.
 * Those settings go to the SQL log too: they are statements on the wire.
 */
export function postgresRunner(
  connections: PostgresConnections,
  statementName: ((query: { sql: string }) => string | undefined) | null,
  onStatement?: StatementListener,
  genericPlans = false,
): SqlRunner {
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") => {
      if (oid === TIMESTAMP) return utcTimestamp;
      if (oid === INT8) return (text: string) => BigInt(text);
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
  const send = (connection: Pick<pg.PoolClient, "query">, text: string, values: unknown[]) =>
    timed(
      { sql: text, args: values },
      onStatement,
      () => connection.query({ name: statementName?.({ sql: text }), text, values, types }),
      (done) => rowsReturned(done.rows),
    );
  const setting = (connection: Pick<pg.PoolClient, "query">, text: string) => timed({ sql: text, args: [] }, onStatement, () => connection.query(text), () => 0);
  return {
    query: async <T>(sql: Prisma.Sql) => {
      const { text, values } = sql;
      if (!genericPlans || !isPlannedPerExecution(text)) {
        const connection = connections.kind === "pool" ? connections.pool : connections.connection;
        return (await send(connection, text, values)).rows as T[];
      }
      if (connections.kind === "transaction") {
        await setting(connections.connection, "SET LOCAL plan_cache_mode = auto");
        return (await send(connections.connection, text, values)).rows as T[];
      }
      const connection = await connections.pool.connect();
      try {
        await setting(connection, "SET plan_cache_mode = auto");
        const result = await send(connection, text, values);
        await setting(connection, "RESET plan_cache_mode");
        connection.release();
        return result.rows as T[];
      } catch (error) {
        connection.release(error instanceof Error ? error : true);
        throw error;
      }
    },
  };
}

export function pgliteRunner(pglite: Pick<PGlite, "query">, onStatement?: StatementListener): SqlRunner {
  const parsers = { [TIMESTAMP]: utcTimestamp, [INT8]: (text: string) => BigInt(text) };
  return {
    query: async <T>(sql: Prisma.Sql) => {
      const { text, values } = sql;
      const result = await timed({ sql: text, args: values }, onStatement, () => pglite.query<T>(text, values, { parsers }), (done) => rowsReturned(done.rows as Record<string, unknown>[]));
      return result.rows;
    },
  };
}

/** Through a Prisma transaction client: for a transaction whose connection the driver adapter did not hand over. */
export function transactionRunner(tx: PrismaTransaction): SqlRunner {
  return { query: <T>(sql: Prisma.Sql) => tx.$queryRaw<T[]>(sql) };
}

/**
 * The runner on the connection of a transaction a driver adapter started:
 * `@prisma/adapter-pg` keeps the pooled pg client it runs on, and
 * pglite-prisma-adapter the PGlite transaction, both as `client`. Checked
 * when the transaction starts, so an adapter that changes this fails the
 * first mutation of the test suite, not a request in production.
 */
export function driverTransactionRunner(
  make: (connection: Pick<pg.PoolClient, "query"> & Pick<PGlite, "query">) => SqlRunner,
): (driverTransaction: Transaction) => SqlRunner {
  return (driverTransaction) => {
    const connection = (driverTransaction as unknown as { client?: { query?: unknown } }).client;
    if (typeof connection?.query !== "function") throw new Error(`the ${driverTransaction.adapterName} adapter's transaction has no client to run SQL on`);
    return make(connection as Pick<pg.PoolClient, "query"> & Pick<PGlite, "query">);
  };
}
