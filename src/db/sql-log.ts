import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The SQL statements one unit of work (a request, a script step, a test)
 * sent to the database, recorded at the driver adapter, below Prisma. This
 * is the ground truth for "how many statements did that query cost": one
 * Prisma operation can be several statements, and a batched one can be one.
 * Each statement is kept with the number of rows it returned, so a test can
 * show that a page reads the rows on it and no more.
 */
export interface LoggedStatement {
  readonly sql: string;
  /** Rows the statement returned; 0 for statements that return none (writes, BEGIN, COMMIT). */
  readonly rows: number;
  /** The bound parameters, as sent to the driver. */
  readonly args: readonly unknown[];
}

export class SqlLog {
  readonly entries: LoggedStatement[] = [];

  /**
   * @param requestId labels query-log lines with the request that sent them.
   * @param parent a log created while another is active also reports to it,
   *   so a script or test can see inside requests.
   */
  constructor(
    readonly requestId?: string,
    private readonly parent: SqlLog | undefined = activeSqlLog(),
  ) {}

  get count(): number {
    return this.entries.length;
  }

  get statements(): string[] {
    return this.entries.map((entry) => entry.sql);
  }

  record(sql: string, rows = 0, args: readonly unknown[] = []): void {
    this.entries.push({ sql, rows, args });
    this.parent?.record(sql, rows, args);
  }
}

const currentLog = new AsyncLocalStorage<SqlLog>();

/** Runs `fn` with `log` receiving every statement issued on its behalf. */
export function withSqlLog<T>(log: SqlLog, fn: () => T): T {
  return currentLog.run(log, fn);
}

export function activeSqlLog(): SqlLog | undefined {
  return currentLog.getStore();
}
