import type { Viewer } from "../auth/tokens.js";
import type { Context } from "../context.js";
import type { Announce } from "../events/events.js";
import type { PrismaTransaction } from "../db/handles.js";
import type { PrismaClient } from "../db/generated/prisma/client.js";
import type { SqlRunner } from "../db/sql-runner.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { UnauthenticatedError } from "../errors.js";

/**
 * What a mutation resolver writes with: the operation's transaction, handed
 * over explicitly, and the viewer it acts for.
 *
 * THIS MAY RUN MORE THAN ONCE. The whole operation is one unit of work
 * (src/plugins/unit-of-work.ts): when it loses a race (a serialization
 * failure, a deadlock), every root field runs again from the start on a new
 * transaction. So a
 * resolver writes only through `tx`, which rolls back with the attempt, and
 * does nothing else that outlives the attempt (no mail, no events, no
 * process state; an event for the subscriptions is `announce`d, and
 * published after COMMIT). Checks that guard a write (the viewer's standing, a
 * balance, an owner) are made through `tx`, so they hold at COMMIT; the
 * acting account itself (`viewer`) is read and locked by the transaction's
 * first statement, before any resolver runs.
 */
export interface MutationWork {
  readonly tx: PrismaTransaction;
  /** The project's own SQL in the same transaction, sent straight to the driver on its connection. */
  readonly sql: SqlRunner;
  readonly viewer: Viewer;
  /** Records an event for the subscriptions, published only if the whole operation commits. */
  readonly announce: Announce;
}

/** The same for signUp and logIn, which act for nobody yet. */
export interface OpenMutationWork {
  readonly tx: PrismaTransaction;
  /**
   * What a check made before the first write reads with. While the
   * operation's transaction has not begun, the shared client: a check that
   * takes long (a password's hash) then holds no transaction open. Once an
   * earlier field of the operation began it, the transaction itself: on the
   * embedded database a statement outside the open transaction waits for
   * it to end, which it never would (two logIns in one operation hung until
   * the transaction's timeout), and on PostgreSQL it would hold a second
   * connection for nothing.
   */
  readonly reader: PrismaClient | PrismaTransaction;
  /** Records the account the operation signed in to, whose own fields its payload may then show. */
  signedIn(accountId: number): void;
}

/**
 * Runs a mutation resolver's body with its unit of work:
 * `resolve: (query, _root, args, ctx) => inWork(ctx, ({ tx, viewer }) => …)`.
 */
export function inWork<Result>(ctx: Context, write: (work: MutationWork) => Result): Result {
  return write(signedInWork(ctx));
}

/** The same for the mutations open to anyone (signUp, logIn), which act for nobody yet. */
export function inOpenWork<Result>(ctx: Context, write: (work: OpenMutationWork) => Result): Result {
  const unit = unitOf(ctx);
  return write({
    tx: unit.client,
    reader: unit.started ? unit.client : ctx.auth.accounts,
    signedIn: (accountId) => {
      unit.signedInAccountId = accountId;
    },
  });
}

function signedInWork(ctx: Context): MutationWork {
  // The Mutation type's signedIn scope has refused the anonymous already; this narrows the type.
  if (!ctx.viewer) throw new UnauthenticatedError();
  const unit = unitOf(ctx);
  return { tx: unit.client, sql: unit.sql, viewer: ctx.viewer, announce: (event) => unit.announce(event) };
}

function unitOf(ctx: Context): UnitOfWork {
  // useUnitOfWork binds every mutation operation to a unit; a resolver reached any other way is a wiring bug.
  if (!ctx.unitOfWork) throw new Error("a mutation resolver ran outside a unit of work");
  return ctx.unitOfWork;
}
