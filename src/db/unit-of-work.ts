import type { PrismaTransaction } from "./client.js";
import type { DriverTransaction, DriverTransactions, IsolationLevel } from "./driver-transactions.js";
import { withDriverSql, type DriverSqlSlot } from "./instrumented-adapter.js";
import { transactionRunner, type SqlRunner } from "./sql-runner.js";
import type { Prisma, PrismaClient } from "./generated/prisma/client.js";
import type { DomainEvent } from "../events/events.js";

export type { IsolationLevel };

/**
 * The transaction of one mutation operation, opened by its first statement
 * rather than when the operation starts. Work that needs no database (input
 * checks, hashing a password, which takes tens of milliseconds of CPU) runs
 * before BEGIN, so it never holds a pooled connection "idle in transaction";
 * an operation that touches nothing opens nothing. (With a signed-in
 * viewer, the first statement is the read of the acting account, which
 * src/plugins/unit-of-work.ts sends before any resolver runs; signUp and
 * logIn, which hash, have none.)
 *
 * `sql` runs the project's own SQL in the transaction, straight on the
 * driver, on the transaction's connection. `client` is a stand-in for the
 * transaction's Prisma client: any model method, `$queryRaw`,
 * `$executeRaw` or nested `$transaction` called on it runs in the same
 * transaction.
 *
 * On PostgreSQL the transaction is the driver's (src/db/driver-transactions.ts):
 * BEGIN and COMMIT go straight to the connection, and a Prisma
 * `$transaction` starts only when the unit first calls Prisma, on that
 * connection. Prisma's interactive transaction cost a mutation more CPU
 * than its statements, so a unit that sends only its own SQL (addComment,
 * sendCredits) never pays for one. On the embedded database, one
 * connection that PGlite's adapter hands out in turn, Prisma opens the
 * transaction and the SQL runs on its connection.
 */
export class UnitOfWork {
  #opened: Promise<void> | undefined;
  #driverTransaction: DriverTransaction | undefined;
  #prismaTransaction: Promise<PrismaTransaction> | undefined;
  #settle: ((commit: boolean) => void) | undefined;
  #prismaDone: Promise<void> | undefined;
  readonly client: PrismaTransaction;
  readonly sql: SqlRunner;
  #driverSql: SqlRunner | undefined;
  /**
   * The account this operation signed in to (signUp, logIn), which answers
   * before the request has a viewer: its payload may show that account's
   * own fields (src/schema/user/access.ts). Null otherwise.
   */
  signedInAccountId: number | null = null;
  readonly #events: DomainEvent[] = [];

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: {
      maxWait: number;
      timeout: number;
      isolationLevel?: IsolationLevel;
      /** The database's own transactions (PostgreSQL); without them Prisma opens the unit's. */
      driver?: DriverTransactions | null;
    },
  ) {
    this.client = deferredClient(() => this.#prisma());
    this.sql = {
      query: async <T>(statement: Prisma.Sql) => {
        await this.#open();
        return this.#driverSql!.query<T>(statement);
      },
    };
  }

  /** Records an event to publish once this unit has committed; a unit that rolls back drops its events. */
  announce(event: DomainEvent): void {
    this.#events.push(event);
  }

  /** The events this unit announced, in order. */
  get events(): readonly DomainEvent[] {
    return this.#events;
  }

  get started(): boolean {
    return this.#opened !== undefined;
  }

  /** Opens the transaction on first use; rejects when it cannot be opened (pool exhausted, database down). */
  #open(): Promise<void> {
    const { driver, isolationLevel, maxWait, timeout } = this.options;
    this.#opened ??= driver
      ? driver.begin({ isolationLevel, maxWaitMs: maxWait, timeoutMs: timeout }).then((transaction) => {
          this.#driverTransaction = transaction;
          this.#driverSql = transaction.sql;
        })
      : this.#prisma().then(() => undefined);
    return this.#opened;
  }

  /**
   * The unit's Prisma transaction, started on first use: on the driver's
   * transaction when there is one (opened first if need be), else opening
   * the unit's transaction itself.
   */
  #prisma(): Promise<PrismaTransaction> {
    if (this.options.driver && !this.#driverTransaction) return this.#open().then(() => this.#prisma());
    this.#prismaTransaction ??= new Promise<PrismaTransaction>((resolve, reject) => {
      const outcome = new Promise<boolean>((settle) => (this.#settle = settle));
      const driver = this.#driverTransaction;
      const slot: DriverSqlSlot = driver ? { adopt: (adapter) => driver.adoptedBy(adapter) } : {};
      const { maxWait, timeout, isolationLevel } = this.options;
      const started = withDriverSql(slot, () =>
        this.prisma.$transaction(
          async (tx) => {
            // An adapter that hands over no connection (none of ours) still runs the SQL, through Prisma.
            this.#driverSql ??= slot.sql ?? transactionRunner(tx);
            resolve(tx);
            if (!(await outcome)) throw ROLLBACK;
          },
          // An adopted transaction is already open, at its isolation level.
          driver ? { maxWait, timeout } : { maxWait, timeout, isolationLevel },
        ),
      );
      this.#prismaDone = started.then(
        () => undefined,
        (error: unknown) => {
          if (error !== ROLLBACK) throw error;
        },
      );
      // If BEGIN itself fails, the statement that asked for the transaction fails with it.
      this.#prismaDone.catch(reject);
    });
    // Without the driver's, this is the unit's transaction.
    this.#opened ??= this.#prismaTransaction.then(() => undefined);
    return this.#prismaTransaction;
  }

  /**
   * Ends the unit: COMMIT when `commit` and the transaction was opened,
   * ROLLBACK otherwise. Rejects when COMMIT fails (then nothing was written).
   */
  async finish(commit: boolean): Promise<void> {
    if (!this.#opened) return;
    // Opened, or opening: wait for that, whatever its outcome.
    await this.#opened.catch(() => undefined);
    let failure: unknown = null;
    if (this.#prismaTransaction) {
      // Tell Prisma's transaction how to end, then wait for the end.
      await this.#prismaTransaction.catch(() => undefined);
      this.#settle?.(commit);
      // A rollback that fails changes nothing: the transaction is gone either way.
      if (commit) failure = await this.#prismaDone!.then(() => null, (error: unknown) => error);
      else await this.#prismaDone?.catch(() => undefined);
    }
    // Prisma's part could not commit (it ran past its timeout): the whole transaction rolls back.
    await this.#driverTransaction?.end(commit && failure === null);
    if (failure !== null) throw failure;
  }
}

const ROLLBACK = Symbol("roll back the unit of work");

/** A Prisma client whose every call waits for `open()` and runs on what it returns. */
function deferredClient(open: () => Promise<PrismaTransaction>): PrismaTransaction {
  const delegates = new Map<string | symbol, unknown>();
  return new Proxy({} as PrismaTransaction, {
    get(_target, property) {
      if (property === "then") return undefined; // not a thenable itself
      let delegate = delegates.get(property);
      if (delegate) return delegate;
      if (typeof property === "string" && property.startsWith("$")) {
        delegate = (...args: unknown[]) => open().then((tx) => (tx as unknown as Record<string, (...a: unknown[]) => unknown>)[property]!(...args));
      } else {
        // A model: each of its methods runs on the transaction's model.
        delegate = new Proxy(
          {},
          {
            get: (_model, method) => (...args: unknown[]) =>
              open().then((tx) => {
                const model = (tx as unknown as Record<string | symbol, Record<string | symbol, (...a: unknown[]) => unknown>>)[property]!;
                return model[method]!(...args);
              }),
          },
        );
      }
      delegates.set(property, delegate);
      return delegate;
    },
  });
}
