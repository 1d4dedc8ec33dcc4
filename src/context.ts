import type { YogaInitialContext } from "graphql-yoga";
import type { TokenService, Viewer } from "./auth/tokens.js";
import type { Db, PrismaTransaction } from "./db/client.js";
import { transactionRunner, type SqlRunner } from "./db/sql-runner.js";
import type { PrismaClient } from "./db/generated/prisma/client.js";
import { SqlLog } from "./db/sql-log.js";
import type { Logger } from "./logger.js";
import { createLoaders, type Loaders } from "./loaders.js";
import type { CursorCodec } from "./paging/cursors.js";
import { PageLoaders } from "./paging/page-loaders.js";
import { requestIdOf } from "./request-id.js";

/** What lives for the whole process and is shared by every request. */
export interface AppServices {
  prisma: PrismaClient;
  /** The project's own SQL, straight on the driver. */
  sql: SqlRunner;
  tokens: TokenService;
  /** Signs and checks the cursors of every paged list. */
  cursors: CursorCodec;
  logger: Logger;
  /** Limits of the transaction every mutation operation runs in. */
  transaction: { maxWaitMs: number; timeoutMs: number };
  /** Whether each request records the SQL statements it sends (see DatabaseConfig.countStatements). */
  countStatements: boolean;
}

/**
 * Everything one request may touch. Built fresh for every request; only
 * `services` (the one Prisma client and its pool) outlives it.
 */
export interface Context {
  readonly requestId: string;
  readonly viewer: Viewer | null;
  /** The client for reads, or the operation's transaction inside a mutation. */
  readonly db: Db;
  /** The project's own SQL: on the driver, or through the operation's transaction inside a mutation. */
  readonly sql: SqlRunner;
  readonly loaders: Loaders;
  /** Batch loaders for the pages of nested lists, one per list in the document. */
  readonly pages: PageLoaders;
  /** Every SQL statement this request sent, counted at the driver adapter; null when not counted. */
  readonly sqlLog: SqlLog | null;
  readonly services: AppServices;
}

export async function createContext(services: AppServices, initial: YogaInitialContext): Promise<Context> {
  const viewer = await viewerFrom(initial.request, services.tokens);
  const requestId = requestIdOf(initial.request);
  return {
    requestId,
    viewer,
    db: services.prisma,
    sql: services.sql,
    loaders: createLoaders(services.prisma, viewer),
    pages: new PageLoaders({ cache: true }),
    sqlLog: services.countStatements ? new SqlLog(requestId) : null,
    services,
  };
}

/**
 * A copy of the context bound to a transaction, with loaders that read
 * through it. A new object on purpose: Pothos caches its client per context
 * object, so reusing the original would route reads around the transaction.
 */
export function bindToTransaction<C extends Context>(ctx: C, tx: PrismaTransaction): C {
  return {
    ...ctx,
    db: tx,
    sql: transactionRunner(tx),
    loaders: createLoaders(tx, ctx.viewer, { cache: false }),
    pages: new PageLoaders({ cache: false }),
  };
}

async function viewerFrom(request: Request, tokens: TokenService): Promise<Viewer | null> {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  // A missing, malformed, forged or expired token means "signed out", not an
  // error: public data stays readable, and protected fields say UNAUTHENTICATED.
  return match?.[1] ? tokens.verify(match[1]) : null;
}
