import { GraphQLError } from "graphql";
import type { YogaInitialContext } from "graphql-yoga";
import { databaseFault } from "./errors.js";
import type { AttemptLimits } from "./auth/attempt-limits.js";
import type { TokenService, Viewer } from "./auth/tokens.js";
import type { Db } from "./db/client.js";
import { transactionRunner, type SqlRunner } from "./db/sql-runner.js";
import type { PrismaClient } from "./db/generated/prisma/client.js";
import { Prisma } from "./db/generated/prisma/client.js";
import { SqlLog, withSqlLog } from "./db/sql-log.js";
import type { UnitOfWork } from "./db/unit-of-work.js";
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
  attempts: AttemptLimits;
  /** Take the client address from X-Forwarded-For. */
  trustProxy: boolean;
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
  /** The client's network address (from X-Forwarded-For only when TRUST_PROXY is on). */
  readonly clientAddress: string;
  /** The client for reads, or the operation's transaction inside a mutation. */
  readonly db: Db;
  /** The project's own SQL: on the driver, or through the operation's transaction inside a mutation. */
  readonly sql: SqlRunner;
  readonly loaders: Loaders;
  /** Batch loaders for the pages of nested lists, one per list in the document. */
  readonly pages: PageLoaders;
  /** The mutation's unit of work; absent in queries, which never open a transaction. */
  readonly unitOfWork?: UnitOfWork;
  /** Every SQL statement this request sent, counted at the driver adapter; null when not counted. */
  readonly sqlLog: SqlLog | null;
  /** The request's Idempotency-Key header (src/plugins/unit-of-work.ts); null without one. */
  readonly idempotencyKey: string | null;
  /** Aborted when the client goes away: long work (a streamed export) stops reading. */
  readonly signal: AbortSignal;
  readonly services: AppServices;
}

export async function createContext(services: AppServices, initial: YogaInitialContext): Promise<Context> {
  const requestId = requestIdOf(initial.request);
  const sqlLog = services.countStatements ? new SqlLog(requestId) : null;
  const findViewer = () => viewerFrom(initial.request, services).catch((error: unknown) => viewerLookupFailed(error, requestId, services));
  const viewer = await (sqlLog ? withSqlLog(sqlLog, findViewer) : findViewer());
  return {
    requestId,
    viewer,
    clientAddress: clientAddressOf(initial, services.trustProxy),
    db: services.prisma,
    sql: services.sql,
    loaders: createLoaders(services.prisma, viewer),
    pages: new PageLoaders({ cache: true }),
    sqlLog,
    idempotencyKey: initial.request.headers.get("idempotency-key"),
    signal: initial.request.signal,
    services,
  };
}

/**
 * A copy of the context bound to a mutation's unit of work, with loaders
 * that read through it. A new object on purpose: Pothos caches its client per
 * context object, so reusing the original would route reads around the
 * transaction.
 */
export function bindToUnitOfWork<C extends Context>(ctx: C, unit: UnitOfWork): C {
  return {
    ...ctx,
    db: unit.client,
    sql: transactionRunner(unit.client),
    loaders: createLoaders(unit.client, ctx.viewer, { cache: false }),
    pages: new PageLoaders({ cache: false }),
    unitOfWork: unit,
  };
}

/**
 * The viewer a bearer token names, as the database has them now: their
 * role is read on every request, so a demoted admin is no longer one, and a
 * token of a deleted or suspended account signs nobody in. A missing, malformed, forged
 * or expired token, or one of an account that is gone, means "signed out",
 * not an error: public data stays readable, and what needs a viewer says
 * UNAUTHENTICATED.
 */
async function viewerFrom(request: Request, services: AppServices): Promise<Viewer | null> {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  const userId = match?.[1] ? await services.tokens.verify(match[1]) : null;
  if (userId === null) return null;
  const [user] = await services.sql.query<Viewer>(
    Prisma.sql`SELECT "id", "role"::text AS "role" FROM "users" WHERE "id" = ${userId} AND "suspended_at" IS NULL`,
  );
  return user ?? null;
}

/**
 * A database fault while the viewer is looked up is answered like one in
 * any resolver (503 with its DATABASE_* code, by maskError) and logged the
 * same way: at warn, with its cause and the request id. No operation has run
 * yet, so the operation log cannot report it.
 */
function viewerLookupFailed(error: unknown, requestId: string, services: AppServices): never {
  const fault = databaseFault(error);
  if (!fault) throw error;
  services.logger.warn("database fault", { requestId, code: fault, during: "viewer lookup", error });
  throw new GraphQLError("The database is not available.", { originalError: error instanceof Error ? error : new Error(String(error)) });
}

function clientAddressOf(initial: YogaInitialContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = initial.request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  const req = (initial as unknown as { req?: { socket?: { remoteAddress?: string } } }).req;
  return req?.socket?.remoteAddress ?? "unknown";
}
