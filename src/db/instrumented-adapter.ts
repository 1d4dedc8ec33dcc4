import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlRunner } from "./sql-runner.js";
import { timed, type StatementListener } from "./statement-timing.js";

/** Makes a SQL runner on the connection of a transaction the driver adapter started (its own Transaction object). */
export type DriverTransactionRunner = (driverTransaction: Transaction) => SqlRunner;

/**
 * What `withDriverSql` tells the transaction Prisma starts under it: where
 * to leave the runner on its connection (`sql`), or, with `adopt`, not to
 * start one at all but to run on a transaction the project already opened
 * on the driver (src/db/driver-transactions.ts), made from the adapter
 * Prisma uses.
 */
export interface DriverSqlSlot {
  sql?: SqlRunner;
  adopt?: (adapter: SqlDriverAdapter) => Transaction;
}

const startingTransaction = new AsyncLocalStorage<DriverSqlSlot>();

/**
 * Starts a Prisma transaction (`start` calls `$transaction`) and fills
 * `slot` with a SQL runner on the very connection it runs on, so the
 * project's own statements in that transaction go to the driver, past
 * Prisma's query pipeline, and still run in it: a connection runs its
 * statements in the order they were sent, whoever sent them. With
 * `slot.adopt`, Prisma's transaction is the one the project opened instead.
 */
export function withDriverSql<T>(slot: DriverSqlSlot, start: () => T): T {
  return startingTransaction.run(slot, start);
}

/**
 * Wraps a driver adapter factory so that every statement it sends is
 * recorded in the active SqlLog and, optionally, reported to a listener
 * (query logging). Transaction control statements are recorded too, as the
 * adapters send them on the wire: BEGIN when a transaction starts, and
 * COMMIT/ROLLBACK either through executeRaw (pg) or inside commit() and
 * rollback() (adapters that use a "phantom query", like PGlite's).
 */
export function instrumentAdapterFactory(
  factory: SqlMigrationAwareDriverAdapterFactory,
  onStatement?: StatementListener,
  runnerOn?: DriverTransactionRunner,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => instrumentAdapter(await factory.connect(), onStatement, runnerOn),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

/** A statement the adapter sends itself, with no parameters. */
function statement(sql: string): SqlQuery {
  return { sql, args: [], argTypes: [] };
}

function instrumentQueryable<Q extends SqlQueryable>(inner: Q, onStatement?: StatementListener): SqlQueryable {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query: SqlQuery): Promise<SqlResultSet> =>
      timed(query, onStatement, () => inner.queryRaw(query), (result) => result.rows.length),
    executeRaw: (query: SqlQuery): Promise<number> => timed(query, onStatement, () => inner.executeRaw(query)),
  };
}

function instrumentAdapter(inner: SqlDriverAdapter, onStatement?: StatementListener, runnerOn?: DriverTransactionRunner): SqlDriverAdapter {
  return {
    ...instrumentQueryable(inner, onStatement),
    executeScript: (script) => timed(statement(script), onStatement, () => inner.executeScript(script)),
    startTransaction: async (isolationLevel?: IsolationLevel) => {
      const slot = startingTransaction.getStore();
      // Its BEGIN was recorded when the project sent it, and its end will be: nothing of its own to record here.
      if (slot?.adopt) return instrumentTransaction(slot.adopt(inner), onStatement, true);
      const tx = await timed(statement("BEGIN"), onStatement, () => inner.startTransaction(isolationLevel));
      if (slot && runnerOn) {
        try {
          slot.sql = runnerOn(tx);
        } catch (error) {
          // Prisma never saw this transaction, so end it as Prisma would: adapter-pg's
          // rollback() only releases the connection, and ROLLBACK goes through executeRaw.
          if (!tx.options.usePhantomQuery) await tx.executeRaw(statement("ROLLBACK")).catch(() => undefined);
          await tx.rollback();
          throw error;
        }
      }
      return instrumentTransaction(tx, onStatement);
    },
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
  };
}

function instrumentTransaction(inner: Transaction, onStatement?: StatementListener, adopted = false): Transaction {
  // With a phantom query the adapter ends the transaction itself; otherwise
  // Prisma sends COMMIT/ROLLBACK through executeRaw and we already see it.
  // An adopted one ends where the project sends its COMMIT, and is recorded there.
  const endsItself = inner.options.usePhantomQuery && !adopted;
  const end = (sql: string, run: () => Promise<void>) => (endsItself ? timed(statement(sql), onStatement, run) : run());
  const tx: Transaction = {
    ...instrumentQueryable(inner, onStatement),
    options: inner.options,
    commit: () => end("COMMIT", () => inner.commit()),
    rollback: () => end("ROLLBACK", () => inner.rollback()),
  };
  // Nested $transaction runs these; the adapter sends their SQL itself, past executeRaw.
  if (inner.createSavepoint) tx.createSavepoint = (name) => timed(statement(`SAVEPOINT ${name}`), onStatement, () => inner.createSavepoint!(name));
  if (inner.rollbackToSavepoint) {
    tx.rollbackToSavepoint = (name) => timed(statement(`ROLLBACK TO SAVEPOINT ${name}`), onStatement, () => inner.rollbackToSavepoint!(name));
  }
  if (inner.releaseSavepoint) tx.releaseSavepoint = (name) => timed(statement(`RELEASE SAVEPOINT ${name}`), onStatement, () => inner.releaseSavepoint!(name));
  return tx;
}
