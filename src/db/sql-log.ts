import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The SQL statements one unit of work (a request, a script step, a test)
 * sent to the database, recorded at the driver adapter, below Prisma. This
 * is the ground truth for "how many statements did that query cost": one
 * Prisma operation can be several statements, and a batched one can be one.
 */
export class SqlLog {
  readonly statements: string[] = [];

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
    return this.statements.length;
  }

  record(sql: string): void {
    this.statements.push(sql);
    this.parent?.record(sql);
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
