import { PGlite } from "@electric-sql/pglite";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.js";

/**
 * PGlite's Prisma adapter, made to behave like @prisma/adapter-pg where it
 * falls short, so code written against PostgreSQL works unchanged on the
 * embedded database:
 * - isolation levels: the adapter sends SET TRANSACTION before BEGIN, where
 *   PostgreSQL ignores it; we send it as the transaction's first statement;
 * - savepoints (nested `$transaction`): the adapter has none; PGlite runs
 *   SAVEPOINT / ROLLBACK TO / RELEASE like any PostgreSQL;
 * - the shadow database the schema engine replays migrations on has the
 *   extensions they create (PGLITE_EXTENSIONS).
 */
export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(pglite);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withTransactionFeatures(await inner.connect()),
    // The adapter's own shadow database is a PGlite without extensions, where the migration creating pg_trgm fails.
    connectToShadowDb: () => new PrismaPGlite(new PGlite({ dataDir: "memory://shadow", extensions: PGLITE_EXTENSIONS })).connect(),
  };
}

function withTransactionFeatures(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: (script) => adapter.executeScript(script),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    startTransaction: async (isolationLevel?: IsolationLevel) => {
      const tx = await adapter.startTransaction();
      if (isolationLevel) await run(tx, `SET TRANSACTION ISOLATION LEVEL ${isolationLevel}`);
      return withSavepoints(tx);
    },
  };
}

function withSavepoints(tx: Transaction): Transaction {
  const withClient: Transaction & { client: unknown } = {
    // The PGlite transaction it runs on, where the unit of work sends its own SQL (src/db/sql-runner.ts driverTransactionRunner).
    client: (tx as unknown as { client: unknown }).client,
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    commit: () => tx.commit(),
    rollback: () => tx.rollback(),
    createSavepoint: (name) => run(tx, `SAVEPOINT ${name}`),
    rollbackToSavepoint: (name) => run(tx, `ROLLBACK TO SAVEPOINT ${name}`),
    releaseSavepoint: (name) => run(tx, `RELEASE SAVEPOINT ${name}`),
  };
  return withClient;
}

async function run(tx: Transaction, sql: string): Promise<void> {
  await tx.executeRaw({ sql, args: [], argTypes: [] });
}
