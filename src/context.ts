import { GraphQLError } from "graphql";
import type { YogaInitialContext } from "graphql-yoga";
import { clientAddressOf } from "./client-address.js";
import { databaseFault } from "./errors.js";
import type { AttemptLimits } from "./auth/attempt-limits.js";
import type { EventBus } from "./events/bus.js";
import type { SharedReads } from "./events/shared-reads.js";
import type { TokenService, VerifiedToken, Viewer } from "./auth/tokens.js";
import type { PrismaClient } from "./db/generated/prisma/client.js";
import { Prisma } from "./db/generated/prisma/client.js";
import type { SqlRunner } from "./db/sql-runner.js";
import { SqlLog, withSqlLog } from "./db/sql-log.js";
import type { DriverTransactions } from "./db/driver-transactions.js";
import type { ReadRouting } from "./db/read-routing.js";
import type { UnitOfWork } from "./db/unit-of-work.js";
import type { Logger } from "./logger.js";
import { createLoaders, type Loaders } from "./loaders.js";
import type { CursorCodec } from "./read/cursors.js";
import { PageLoaders } from "./read/page-loaders.js";
import type { Reader } from "./read/reader.js";
import type { CostlyReads } from "./read/costly-reads.js";
import type { SiteFigures } from "./schema/stats/service.js";
import { requestIdOf } from "./request-id.js";

/**
 * What lives for the whole process and is shared by every request. The
 * app builds it; each part goes to what needs it (the plugins, or the
 * context's narrow members), never to resolvers as a whole.
 */
export interface AppServices {
  prisma: PrismaClient;
  /** The project's own SQL, straight on the driver. */
  sql: SqlRunner;
  /** Where queries read: a replica, or the primary for a viewer who just wrote (src/db/read-routing.ts). */
  reads: ReadRouting;
  tokens: TokenService;
  attempts: AttemptLimits;
  /** Where committed units of work publish their events and subscriptions hear them. */
  events: EventBus;
  /** Reads the subscribers of this process share while they are in flight. */
  sharedReads: SharedReads;
  /** The stats figures this process computed lately, shared by every request (src/schema/stats/service.ts). */
  siteFigures: SiteFigures;
  /** The turns this process gives reads whose cost follows the data (src/read/costly-reads.ts). */
  costlyReads: CostlyReads;
  /** How many proxies of our own stand in front, appending to X-Forwarded-For (src/client-address.ts). */
  trustedProxies: number;
  /** Signs and checks the cursors of every paged list. */
  cursors: CursorCodec;
  logger: Logger;
  /** Limits of the transaction every mutation operation runs in, and where it opens (src/db/unit-of-work.ts). */
  transaction: { maxWaitMs: number; timeoutMs: number; driver: DriverTransactions | null };
  /** Whether each request records the SQL statements it sends (see DatabaseConfig.countStatements). */
  countStatements: boolean;
}

/** What signUp and logIn need beyond a transaction: tokens, attempt limits, and reads that must not wait for one. */
export interface AuthServices {
  readonly tokens: TokenService;
  readonly attempts: AttemptLimits;
  /** The shared client: logIn reads outside the unit of work, so a failed attempt still counts. */
  readonly accounts: PrismaClient;
}

/** Facts of the HTTP request that single features use. */
export interface ClientInfo {
  /**
   * The client's network address as limits count it (src/client-address.ts):
   * attempt limits and signed-out subscriptions. Worked out for every
   * request, cheaply; a getter here, to work it out only when read, cost a
   * W0 request 1.20× the CPU (bench:ab, 2026-12-07).
   */
  readonly address: string;
  /** The Idempotency-Key header (src/plugins/unit-of-work.ts); null without one. */
  readonly idempotencyKey: string | null;
}

/**
 * What Yoga hands the context factory. It parses and validates the document
 * first, and the unit of work (src/plugins/unit-of-work.ts) marks a mutation
 * then: its unit reads the viewer itself, locked, as its first statement.
 */
export type InitialContext = YogaInitialContext & { readonly viewerReadByUnit?: boolean };

/**
 * Everything one request may touch. Built fresh for every request; nothing
 * in it outlives the request but the shared client behind `reader` and `auth`.
 */
export interface Context {
  readonly requestId: string;
  /**
   * The account the bearer token names, as the database has it now; null
   * when signed out. In a mutation it is null here and set on the unit of
   * work's copy of the context, by the unit's first statement.
   */
  readonly viewer: Viewer | null;
  /** The account a valid bearer token names, whether or not it may still act; null without one. A mutation's unit reads it. */
  readonly tokenAccountId: number | null;
  /** When the token that signed `viewer` in expires (ms since the epoch): a subscription ends then. Null when `viewer` is. */
  readonly tokenExpiresAt: number | null;
  /** Where subscriptions hear of committed changes (src/events/bus.ts). */
  readonly events: EventBus;
  /** Reads a subscription shares with the process's other subscribers (src/events/shared-reads.ts). */
  readonly sharedReads: SharedReads;
  /** The stats figures every request of this process shares. */
  readonly siteFigures: SiteFigures;
  /** Aborted when the client goes away: long work (a streamed export) stops reading. */
  readonly signal: AbortSignal;
  /** Every read goes through it (src/read/reader.ts); inside a mutation it is the unit of work's. */
  readonly reader: Reader;
  /** The domains' batch loaders (aggregates, access checks); the unit of work's inside a mutation. */
  readonly loaders: Loaders;
  /** The mutation's unit of work; absent in queries, which never open a transaction. */
  readonly unitOfWork?: UnitOfWork;
  readonly client: ClientInfo;
  /** The logger, every line stamped with the request id. */
  readonly log: Logger;
  /** Every SQL statement this request sent, counted at the driver adapter; null when not counted. */
  readonly sqlLog: SqlLog | null;
  readonly auth: AuthServices;
}

export async function createContext(services: AppServices, initial: InitialContext): Promise<Context> {
  const requestId = requestIdOf(initial.request);
  const sqlLog = services.countStatements ? new SqlLog(requestId) : null;
  const log = services.logger.child({ requestId });
  const token = await bearerToken(initial.request, services.tokens);
  // On the primary, always: a suspension or a demotion counts from its commit, not from when a replica catches up.
  const findViewer = () => activeAccount(services.sql, token!.userId).catch((error: unknown) => viewerLookupFailed(error, log));
  // A mutation's unit reads the account itself, inside its transaction: reading it here too would be a statement for nothing.
  const readHere = token !== null && !initial.viewerReadByUnit;
  const viewer = readHere ? await (sqlLog ? withSqlLog(sqlLog, findViewer) : findViewer()) : null;
  // A mutation's unit of work replaces this reader with its transaction's (bindToUnitOfWork).
  const source = services.reads.sourceFor(viewer);
  return {
    requestId,
    viewer,
    tokenAccountId: token?.userId ?? null,
    tokenExpiresAt: viewer ? token!.expiresAt : null,
    events: services.events,
    sharedReads: services.sharedReads,
    siteFigures: services.siteFigures,
    signal: initial.request.signal,
    reader: {
      viewer,
      prisma: source.prisma,
      sql: source.sql,
      pages: new PageLoaders({ cache: true }),
      cursors: services.cursors,
      costlyReads: services.costlyReads,
    },
    loaders: createLoaders(source.prisma, viewer),
    client: {
      address: clientAddressOf(initial, services.trustedProxies),
      idempotencyKey: initial.request.headers.get("idempotency-key"),
    },
    log,
    sqlLog,
    auth: { tokens: services.tokens, attempts: services.attempts, accounts: services.prisma },
  };
}

/**
 * A copy of the context bound to a mutation's unit of work, whose reader
 * and loaders go through its transaction, acting as `viewer`, the account
 * the unit read (and locked) as its first statement. A new object on
 * purpose: Pothos caches its client and its planned rows per context
 * object, so reusing the original would route reads around the transaction.
 */
export function bindToUnitOfWork<C extends Context>(ctx: C, unit: UnitOfWork, viewer: Viewer | null): C {
  return {
    ...ctx,
    viewer,
    reader: { ...ctx.reader, viewer, prisma: unit.client, sql: unit.sql, pages: new PageLoaders({ cache: false }) },
    loaders: createLoaders(unit.client, viewer, { cache: false }),
    unitOfWork: unit,
  };
}

/**
 * The scope a subscription reads in: the request's viewer, on the primary
 * (an event says a write committed there, and a replica may not have it
 * yet), its `signal` ending when the subscription ends.
 */
export function subscriptionScope<C extends Context>(ctx: C, primary: Pick<AppServices, "prisma" | "sql">, signal: AbortSignal): C {
  return {
    ...ctx,
    signal,
    reader: { ...ctx.reader, prisma: primary.prisma, sql: primary.sql, pages: new PageLoaders({ cache: true }) },
    loaders: createLoaders(primary.prisma, ctx.viewer),
  };
}

/**
 * The scope of one event of a subscription, a copy with loaders of its own:
 * each event is answered from what the database holds now, never from what
 * an earlier event's loaders kept (and Pothos files each event's planned
 * rows under its own context object).
 */
export function eventScope<C extends Context>(ctx: C): C {
  return {
    ...ctx,
    reader: { ...ctx.reader, pages: new PageLoaders({ cache: true }) },
    loaders: createLoaders(ctx.reader.prisma, ctx.viewer),
  };
}

/**
 * The request's bearer token, when it is one this deployment issued and it
 * has not expired. A missing, malformed, forged or expired token means
 * "signed out", not an error: public data stays readable, and what needs a
 * viewer says UNAUTHENTICATED.
 */
async function bearerToken(request: Request, tokens: TokenService): Promise<VerifiedToken | null> {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ? tokens.verify(match[1]) : null;
}

/**
 * How a mutation's unit of work locks the acting account's row until
 * COMMIT: `share` (FOR SHARE) holds what it acts as, since a suspension or
 * a demotion waits for the unit to end; `update` (FOR NO KEY UPDATE) does
 * that too, for a unit that then updates the row itself. Two units of one
 * account that both held it FOR SHARE and then both updated it would each
 * wait for the other: a deadlock PostgreSQL breaks only after
 * deadlock_timeout (a second), by aborting one. Locked for update, the
 * second waits at its first statement for the first to commit.
 */
export type AccountLock = "share" | "update";

const ACCOUNT_LOCKS: Record<AccountLock, Prisma.Sql> = { share: Prisma.sql` FOR SHARE`, update: Prisma.sql` FOR NO KEY UPDATE` };

/**
 * The account a token names as a viewer, as the database has it now, when
 * it exists and is not suspended: the role is read for every operation, so
 * a demoted admin is no longer one, and a token of a deleted or suspended
 * account signs nobody in. Used by a query's lookup, a subscription's check
 * after a suspension, and a mutation's unit of work, which `lock`s the row
 * until COMMIT (AccountLock).
 */
export async function activeAccount(sql: SqlRunner, userId: number, { lock }: { lock?: AccountLock } = {}): Promise<Viewer | null> {
  const [user] = await sql.query<Viewer>(
    Prisma.sql`SELECT "id", "role"::text AS "role" FROM "users" WHERE "id" = ${userId} AND "suspended_at" IS NULL${lock ? ACCOUNT_LOCKS[lock] : Prisma.empty}`,
  );
  return user ?? null;
}

/**
 * A database fault while the viewer is looked up is answered like one in
 * any resolver (503 with its DATABASE_* code, by maskError) and logged the
 * same way: at warn, with its cause and the request id. No operation has run
 * yet, so the operation log cannot report it.
 */
function viewerLookupFailed(error: unknown, log: Logger): never {
  const fault = databaseFault(error);
  if (!fault) throw error;
  log.warn("database fault", { code: fault, during: "viewer lookup", error });
  throw new GraphQLError("The database is not available.", { originalError: error instanceof Error ? error : new Error(String(error)) });
}
