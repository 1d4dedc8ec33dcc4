import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Prisma } from "./generated/prisma/client.js";
import type { PrismaTransaction } from "./handles.js";
import { timed, type StatementListener } from "./instrumented-adapter.js";

/**
 * Runs the SQL the project writes itself (tagged templates, bound
 * parameters): the page queries, mostly. Outside a transaction it goes to
 * the driver directly, since Prisma's request pipeline costs more CPU than
 * the statement for a query whose SQL is already written; inside a
 * mutation's unit of work it goes through the transaction's Prisma client,
 * so it reads that transaction's writes.
 *
 * Rows come back with the types Prisma's raw queries give: `timestamp`
 * columns (UTC, without zone) as Dates, bigint as BigInt, JSON parsed, and
 * every statement is recorded like Prisma's (SqlLog, query log).
 */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: Prisma.Sql): Promise<T[]>;
}

const TIMESTAMP = 1114;
const INT8 = 20;
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

export function postgresRunner(
  pool: pg.Pool,
  statementName: ((query: { sql: string }) => string | undefined) | null,
  onStatement?: StatementListener,
): SqlRunner {
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") => {
      if (oid === TIMESTAMP) return utcTimestamp;
      if (oid === INT8) return (text: string) => BigInt(text);
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
  return {
    query: async <T>(sql: Prisma.Sql) => {
      const { text, values } = sql;
      const result = await timed(
        { sql: text, args: values },
        onStatement,
        () => pool.query({ name: statementName?.({ sql: text }), text, values, types }),
        (done) => done.rows.length,
      );
      return result.rows as T[];
    },
  };
}

export function pgliteRunner(pglite: PGlite, onStatement?: StatementListener): SqlRunner {
  const parsers = { [TIMESTAMP]: utcTimestamp, [INT8]: (text: string) => BigInt(text) };
  return {
    query: async <T>(sql: Prisma.Sql) => {
      const { text, values } = sql;
      const result = await timed({ sql: text, args: values }, onStatement, () => pglite.query<T>(text, values, { parsers }), (done) => done.rows.length);
      return result.rows;
    },
  };
}

/** Inside a unit of work: the transaction's own client. */
export function transactionRunner(tx: PrismaTransaction): SqlRunner {
  return { query: <T>(sql: Prisma.Sql) => tx.$queryRaw<T[]>(sql) };
}
