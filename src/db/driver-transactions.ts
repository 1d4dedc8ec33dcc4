import type { SqlDriverAdapter, SqlQuery, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import type pg from "pg";
import { Prisma } from "./generated/prisma/client.js";
import type { SqlRunner } from "./sql-runner.js";

export type IsolationLevel = Prisma.TransactionIsolationLevel;

/**
 * A transaction the project opens on the driver itself: a pooled connection
 * with BEGIN sent, its own SQL on it, and COMMIT or ROLLBACK when the unit
 * of work ends. Prisma's interactive transaction cost a mutation more CPU
 * than the statements it sent (bench:ab on W3: 0.79× the CPU without it), so
 * a unit that sends only its own SQL never starts one; a unit whose code
 * calls Prisma hands Prisma this very connection (`adoptedBy`).
 */
export interface DriverTransaction {
  /** The project's SQL, on this transaction's connection; fails once the transaction has run past its timeout. */
  readonly sql: SqlRunner;
  /**
   * This transaction as a driver adapter's Transaction, for a Prisma
   * `$transaction` to run on (src/db/instrumented-adapter.ts): the same
   * connection, with Prisma's COMMIT and ROLLBACK left to `end`
   * (`usePhantomQuery`), so Prisma's statements and the project's are one
   * transaction. `adapter` is the driver adapter Prisma uses, whose own
   * statement handling (parameter and column types) runs on the connection.
   */
  adoptedBy(adapter: SqlDriverAdapter): Transaction;
  /**
   * COMMIT when `commit` and the transaction has not run past its timeout,
   * ROLLBACK otherwise; then the connection goes back to the pool (or is
   * closed, when it failed). Rejects when it did not commit; a failed
   * ROLLBACK changes nothing, as the transaction is gone either way.
   */
  end(commit: boolean): Promise<void>;
}

/** Opens driver transactions; null where the database has none of its own to offer (the embedded one). */
export interface DriverTransactions {
  begin(options: { isolationLevel?: IsolationLevel; maxWaitMs: number; timeoutMs: number }): Promise<DriverTransaction>;
}

const ISOLATION: Record<IsolationLevel, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

/** BEGIN, with the isolation level in the same statement (adapter-pg sends a SET TRANSACTION after it: one more round trip). */
export function beginStatement(isolationLevel?: IsolationLevel): string {
  return isolationLevel ? `BEGIN ISOLATION LEVEL ${ISOLATION[isolationLevel]}` : "BEGIN";
}

/**
 * The message of the error a unit of work that ran past DB_TRANSACTION_TIMEOUT_MS
 * fails with: worded as Prisma's own, which src/errors.ts answers DATABASE_TIMEOUT.
 */
export function transactionTimedOut(timeoutMs: number): Error {
  return new Error(`Transaction already closed: the unit of work ran past its timeout of ${timeoutMs} ms, and was rolled back.`);
}

/** The message src/errors.ts answers DATABASE_BUSY: Prisma's own for the same wait. */
function noConnectionWithin(maxWaitMs: number): Error {
  return new Error(`Unable to start a transaction in the given time: no pooled connection within ${maxWaitMs} ms.`);
}

/**
 * Driver transactions on a pg pool. `runnerOn` makes the project's SQL
 * runner on a connection (src/db/sql-runner.ts), which records every
 * statement, BEGIN and COMMIT included, as the adapter records Prisma's.
 */
export function postgresTransactions(pool: pg.Pool, runnerOn: (connection: pg.PoolClient) => SqlRunner): DriverTransactions {
  return {
    async begin({ isolationLevel, maxWaitMs, timeoutMs }) {
      const connection = await connectWithin(pool, maxWaitMs);
      // A connection error between two statements: the next statement fails with it (an 'error' event with no listener would end the process).
      const onError = () => undefined;
      connection.on("error", onError);
      const runner = runnerOn(connection);
      let expired = false;
      const timer = setTimeout(() => (expired = true), timeoutMs);
      let released = false;
      const release = (error?: Error) => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        connection.removeListener("error", onError);
        connection.release(error);
      };
      try {
        await runner.query(Prisma.raw(beginStatement(isolationLevel)));
      } catch (error) {
        release(error as Error);
        throw error;
      }
      // Nothing runs on the connection once it is back in the pool, where another request may hold it.
      const live = <T>(run: () => Promise<T>): Promise<T> =>
        released ? Promise.reject(new Error("the unit of work's transaction has ended")) : expired ? Promise.reject(transactionTimedOut(timeoutMs)) : run();
      let ended = false;
      return {
        sql: { query: (statement) => live(() => runner.query(statement)) },
        adoptedBy: (adapter) => adoptedTransaction(queryableOn(adapter, connection), live),
        async end(commit) {
          if (ended) return;
          ended = true;
          const timedOut = commit && expired;
          try {
            await runner.query(Prisma.raw(commit && !timedOut ? "COMMIT" : "ROLLBACK"));
          } catch (error) {
            // The connection's state is unknown: it is closed rather than pooled.
            release(error as Error);
            if (commit) throw error;
            return;
          }
          release();
          if (timedOut) throw transactionTimedOut(timeoutMs);
        },
      };
    },
  };
}

/** A pooled connection, or DATABASE_BUSY's error after `maxWaitMs`; a connection that arrives after that goes back at once. */
function connectWithin(pool: pg.Pool, maxWaitMs: number): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    let waiting = true;
    const timer = setTimeout(() => {
      waiting = false;
      reject(noConnectionWithin(maxWaitMs));
    }, maxWaitMs);
    pool.connect().then(
      (connection) => {
        clearTimeout(timer);
        if (waiting) resolve(connection);
        else connection.release();
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (waiting) reject(error as Error);
      },
    );
  });
}

/**
 * adapter-pg's statement handling on one connection: its adapter class,
 * made over the connection in place of the pool (it runs every statement
 * with `client.query`, which a pooled connection has too), with the same
 * options (statement names, schema). Checked when a unit first hands its
 * connection to Prisma, so an adapter that changes this fails the first
 * such mutation of the test suite.
 */
function queryableOn(adapter: SqlDriverAdapter, connection: pg.PoolClient): SqlQueryable {
  const { constructor: Adapter, pgOptions } = adapter as SqlDriverAdapter & { pgOptions?: unknown };
  const queryable = new (Adapter as new (client: pg.PoolClient, options: unknown) => Partial<SqlQueryable> & { client?: unknown })(connection, pgOptions);
  if (queryable.client !== connection || typeof queryable.queryRaw !== "function" || typeof queryable.executeRaw !== "function") {
    throw new Error(`the ${adapter.adapterName} adapter cannot run on one pooled connection; a unit of work cannot hand its transaction to Prisma`);
  }
  return queryable as SqlQueryable;
}

function adoptedTransaction(queryable: SqlQueryable, live: <T>(run: () => Promise<T>) => Promise<T>): Transaction {
  const control = (sql: string) => live(() => queryable.executeRaw({ sql, args: [], argTypes: [] })).then(() => undefined);
  return {
    provider: queryable.provider,
    adapterName: queryable.adapterName,
    queryRaw: (query: SqlQuery) => live(() => queryable.queryRaw(query)),
    executeRaw: (query: SqlQuery) => live(() => queryable.executeRaw(query)),
    // Prisma sends no COMMIT or ROLLBACK of its own: the unit of work ends the transaction (DriverTransaction.end).
    options: { usePhantomQuery: true },
    commit: async () => undefined,
    rollback: async () => undefined,
    createSavepoint: (name) => control(`SAVEPOINT ${name}`),
    rollbackToSavepoint: (name) => control(`ROLLBACK TO SAVEPOINT ${name}`),
    releaseSavepoint: (name) => control(`RELEASE SAVEPOINT ${name}`),
  };
}
