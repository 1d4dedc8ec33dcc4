import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory, SqlQuery } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { inMemory, type DatabaseConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { ConnectionCounts } from "../metrics/metrics.js";
import { PrismaClient } from "./generated/prisma/client.js";
import { instrumentAdapterFactory } from "./instrumented-adapter.js";
import type { StatementListener } from "./statement-timing.js";
import { applyMigrations } from "./migrations.js";
import { pgliteAdapterFactory } from "./pglite-adapter.js";
import { startEmbeddedAutovacuum } from "./embedded-autovacuum.js";
import { postgresMigrationAdapter } from "./postgres-migrations.js";
import { lockEmbeddedDatabase } from "./embedded-lock.js";
import { checkReadiness, postgresReadiness, READINESS_TIMEOUT_MS } from "./readiness.js";
import { driverTransactionRunner, pgliteRunner, postgresRunner, type SqlRunner } from "./sql-runner.js";
import { PGLITE_EXTENSIONS } from "./pglite-extensions.js";
import { statementNames } from "./statement-names.js";
import { postgresTransactions, type DriverTransactions } from "./driver-transactions.js";

/**
 * The one long-lived database handle of the process: a single PrismaClient
 * over a single pool (or a single embedded PGlite). Requests borrow it
 * through their context; nothing else outlives a request.
 */
export interface Database {
  readonly kind: DatabaseConfig["kind"];
  readonly prisma: PrismaClient;
  /** The adapter factory the client uses, for the schema engine. */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs the project's own SQL straight on the driver (outside transactions). */
  readonly sql: SqlRunner;
  /** Opens units of work on the driver (PostgreSQL's primary); null on the embedded database, where Prisma opens them. */
  readonly transactions: DriverTransactions | null;
  /** The read replicas (DATABASE_REPLICA_URLS), each its own pool and client; none on the embedded database. */
  readonly replicas: readonly ReadSource[];
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /**
   * Resolves when this instance can serve: the database answers within
   * READINESS_TIMEOUT_MS and its schema is migrated; rejects with the reason.
   */
  ready(): Promise<void>;
  /** The pool's connections now; null for the embedded database, which is one connection in this thread. */
  connections(): ConnectionCounts | null;
  close(): Promise<void>;
}

export type { Db, PrismaTransaction } from "./handles.js";

/** Where reads can go: a client and the project's SQL runner on the same database. */
export interface ReadSource {
  readonly prisma: PrismaClient;
  readonly sql: SqlRunner;
}

/** What opening a database takes beyond its configuration. */
export interface OpenOptions {
  /** Hears every statement a request sends (the metrics' statement histogram), besides the query log when DB_LOG_QUERIES is on. */
  observe?: StatementListener;
  /**
   * An in-memory embedded database's first contents: a PGlite data
   * directory as PGlite's `dumpDataDir` wrote it, in place of the empty
   * cluster initdb makes. The test suites start every app from one migrated
   * dump: about 1 s, where initdb alone takes about 3. Refused for a
   * database on disk, whose files it would replace.
   */
  embeddedStart?: Blob;
}

export async function openDatabase(config: DatabaseConfig, logger: Logger, { observe, embeddedStart }: OpenOptions = {}): Promise<Database> {
  const logQuery: StatementListener | undefined = config.logQueries
    ? (sql, durationMs, requestId) => logger.info("sql", { requestId, sql, durationMs: round(durationMs) })
    : undefined;
  const onStatement: StatementListener | undefined =
    logQuery && observe
      ? (sql, durationMs, requestId) => {
          logQuery(sql, durationMs, requestId);
          observe(sql, durationMs, requestId);
        }
      : (logQuery ?? observe);
  if (config.kind === "postgres") {
    if (embeddedStart) throw new Error("embeddedStart is a dump of an embedded database; PostgreSQL is not started from one");
    return openPostgres(config, logger, onStatement);
  }
  return openPglite(config, logger, onStatement, embeddedStart);
}

async function openPostgres(
  config: Extract<DatabaseConfig, { kind: "postgres" }>,
  logger: Logger,
  onStatement?: StatementListener,
): Promise<Database> {
  const primary = connectPostgres(config, config.url, logger, onStatement);
  // Replicas take the same settings; the schema engine and readiness only ever use the primary.
  const replicas = config.replicaUrls.map((url) => connectPostgres(config, url, logger, onStatement));
  const { pool, prisma } = primary;
  const readiness = postgresReadiness(config.url, { options: searchPathOption(config.schema) });
  return {
    kind: "postgres",
    prisma,
    adapterFactory: primary.adapterFactory,
    sql: primary.sql,
    transactions: postgresTransactions(pool, primary.runnerOn),
    replicas: replicas.map(({ prisma: replica, sql }) => ({ prisma: replica, sql })),
    // The engine borrows the same pool; it is not instrumented, so migration
    // statements never count against a request.
    migrate: async () => {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
      return applyMigrations(postgresMigrationAdapter(pool, config.schema));
    },
    ready: () => withTimeout(readiness.check(), READINESS_TIMEOUT_MS),
    connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: once(async () => {
      await readiness.close();
      for (const connection of [primary, ...replicas]) {
        await connection.prisma.$disconnect();
        await connection.pool.end();
      }
    }),
  };
}

/** One PostgreSQL server: its pool, the Prisma client over it, and the SQL runner on it and on its connections. */
function connectPostgres(config: Extract<DatabaseConfig, { kind: "postgres" }>, url: string, logger: Logger, onStatement?: StatementListener) {
  const poolConfig: pg.PoolConfig = {
    connectionString: url,
    max: config.poolSize,
    connectionTimeoutMillis: config.poolTimeoutMs,
    idleTimeoutMillis: config.idleTimeoutMs,
    maxLifetimeSeconds: config.maxLifetimeSeconds,
    statement_timeout: config.statementTimeoutMs || undefined,
    // Client side: a database that stops answering fails the query instead of holding it.
    query_timeout: config.queryTimeoutMs,
    application_name: "inkwell",
    options: connectionOptions(config),
  };
  const pool = new pg.Pool(poolConfig);
  // An idle client that the server drops emits 'error' on the pool; without
  // a listener that would crash the process.
  pool.on("error", (error) => logger.warn("database pool error", { error }));
  const names = config.preparedStatements ? statementNames() : null;
  // The project's SQL on one pooled connection: a Prisma transaction's, or a unit of work's own (src/db/driver-transactions.ts).
  const runnerOn = (connection: Pick<pg.PoolClient, "query">) => postgresRunner({ kind: "transaction", connection }, names, onStatement, config.genericPlans);
  const adapterFactory = instrumentAdapterFactory(
    // Typed as always returning a name; pg runs a statement unnamed when it gets none.
    // `schema`: Prisma qualifies its own table names with it.
    new PrismaPg(pool, { schema: config.schema, ...(names ? { statementNameGenerator: names as (query: SqlQuery) => string } : {}) }),
    onStatement,
    driverTransactionRunner(runnerOn),
  );
  const prisma = withRelationLoadStrategy(new PrismaClient({ adapter: adapterFactory }), config.relationLoadStrategy);
  return { pool, adapterFactory, prisma, runnerOn, sql: postgresRunner({ kind: "pool", pool }, names, onStatement, config.genericPlans) };
}

/** The startup option that sets a connection's search_path (the schema name is a checked identifier: src/config.ts). */
export function searchPathOption(schema: string): string {
  return `-c search_path=${schema}`;
}

/**
 * The settings every pooled connection starts with: unqualified names (our
 * raw SQL, the migrations' DDL, trigger bodies) resolve in Inkwell's schema
 * and only there, prepared statements keep one generic plan
 * (DatabaseConfig.genericPlans), and the planner prices an index lookup as
 * storage in memory or on SSD costs it (DatabaseConfig.randomPageCost).
 */
function connectionOptions(config: Extract<DatabaseConfig, { kind: "postgres" }>): string {
  const options = [searchPathOption(config.schema)];
  if (config.genericPlans) options.push("-c plan_cache_mode=force_generic_plan");
  if (config.randomPageCost !== null) options.push(`-c random_page_cost=${config.randomPageCost}`);
  return options.join(" ");
}

async function openPglite(
  config: Extract<DatabaseConfig, { kind: "pglite" }>,
  logger: Logger,
  onStatement?: StatementListener,
  start?: Blob,
): Promise<Database> {
  const onDisk = !inMemory(config.dir);
  if (start && onDisk) throw new Error(`embeddedStart would replace the embedded database in ${config.dir}; it starts in-memory databases only`);
  let unlock = async (): Promise<void> => {};
  if (onDisk) {
    await mkdir(config.dir, { recursive: true });
    // Before PGlite touches a file: a second process on the same directory
    // is refused here instead of corrupting it (src/db/embedded-lock.ts).
    unlock = await lockEmbeddedDatabase(config.dir, (error) =>
      logger.error("the embedded database's lock was lost; another process may open it", { cause: error.message }),
    );
  }
  // No statement_timeout here: PGlite runs in this thread and has no timer
  // signal to cancel a statement with, so the setting would be a promise it
  // cannot keep. DB_STATEMENT_TIMEOUT_MS applies to PostgreSQL.
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: config.dir, extensions: PGLITE_EXTENSIONS, ...(start ? { loadDataDir: start } : {}) });
  } catch (error) {
    await unlock();
    throw error;
  }
  // PGlite is one connection in this process: the schema engine must use the
  // same instance the server then serves from.
  const baseFactory = pgliteAdapterFactory(pglite);
  const adapterFactory = instrumentAdapterFactory(
    baseFactory,
    onStatement,
    driverTransactionRunner((connection) => pgliteRunner(connection, onStatement)),
  );
  const prisma = withRelationLoadStrategy(new PrismaClient({ adapter: adapterFactory }), config.relationLoadStrategy);
  const autovacuum = startEmbeddedAutovacuum(pglite, logger, config.autovacuumIntervalMs);
  return {
    kind: "pglite",
    prisma,
    adapterFactory,
    sql: pgliteRunner(pglite, onStatement),
    transactions: null,
    replicas: [],
    migrate: () => applyMigrations(baseFactory),
    // PGlite is one connection in this thread: the check queues behind whatever runs.
    ready: () =>
      withTimeout(
        checkReadiness(async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows),
        READINESS_TIMEOUT_MS,
      ),
    connections: () => null,
    close: once(async () => {
      try {
        await autovacuum.stop();
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        await unlock();
      }
    }),
  };
}

// The operations that accept `relationLoadStrategy`.
const RELATION_LOADING_OPERATIONS = new Set([
  "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "update", "upsert", "delete",
]);

/**
 * With the relationJoins preview on, `join` is Prisma's default; `query`
 * is applied to every relation-loading operation by a client extension
 * (and so to the transaction clients made from it).
 */
function withRelationLoadStrategy(prisma: PrismaClient, strategy: "join" | "query"): PrismaClient {
  if (strategy === "join") return prisma;
  const extended = prisma.$extends({
    query: {
      $allModels: {
        $allOperations({ operation, args, query }) {
          return query(RELATION_LOADING_OPERATIONS.has(operation) ? { ...args, relationLoadStrategy: strategy } : args);
        },
      },
    },
  });
  // The extension changes no model or result type, only an argument.
  return extended as unknown as PrismaClient;
}

/** Closing twice (a signal during shutdown, a test cleaning up) must not fail. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= fn());
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
