import { activeSqlLog } from "./sql-log.js";

/** Hears every statement sent, with its duration and the request it belongs to (query log, metrics, traces). */
export type StatementListener = (sql: string, durationMs: number, requestId: string | undefined) => void;

/** A statement as recorded: its text and its bound parameters. */
export interface RecordedQuery {
  readonly sql: string;
  readonly args: readonly unknown[];
}

function note(query: RecordedQuery, rows: number, startedAt: number, onStatement?: StatementListener): void {
  const log = activeSqlLog();
  log?.record(query.sql, rows, query.args);
  onStatement?.(query.sql, performance.now() - startedAt, log?.requestId);
}

/**
 * Runs a statement and records it, with the rows it returned (`rowsOf` of
 * its result), in the active SqlLog and with the query-log listener: the
 * adapter below Prisma does this for Prisma's statements, the SQL runner
 * (src/db/sql-runner.ts) for the statements it sends itself.
 */
export async function timed<T>(
  query: RecordedQuery,
  onStatement: StatementListener | undefined,
  run: () => Promise<T>,
  rowsOf: (result: T) => number = () => 0,
): Promise<T> {
  const startedAt = performance.now();
  let rows = 0;
  try {
    const result = await run();
    rows = rowsOf(result);
    return result;
  } finally {
    note(query, rows, startedAt, onStatement);
  }
}
