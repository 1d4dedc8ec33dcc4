import type { PrismaTransaction } from "./client.js";
import { withDriverSql, type DriverSqlSlot } from "./instrumented-adapter.js";
import { transactionRunner, type SqlRunner } from "./sql-runner.js";
import type { Prisma, PrismaClient } from "./generated/prisma/client.js";
import type { DomainEvent } from "../events/events.js";

export type IsolationLevel = Prisma.TransactionIsolationLevel;

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
 * `client` is a stand-in for the transaction's Prisma client: any model
 * method, `$queryRaw`, `$executeRaw` or nested `$transaction` called on it
 * opens the transaction if it is not open yet, then runs on it. `sql` does
 * the same for the project's own SQL, which it sends straight to the
 * driver, on the transaction's connection: Prisma's pipeline cost a
 * mutation more CPU than the statements it sent.
 */
export class UnitOfWork {
  #transaction: Promise<PrismaTransaction> | undefined;
  #settle: ((commit: boolean) => void) | undefined;
  #done: Promise<void> | undefined;
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
    },
  ) {
    this.client = deferredClient(() => this.transaction());
    this.sql = {
      query: async <T>(statement: Prisma.Sql) => {
        await this.transaction();
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
    return this.#transaction !== undefined;
  }

  /** The transaction, opened on first use; rejects when it cannot be opened (pool exhausted, database down). */
  transaction(): Promise<PrismaTransaction> {
    this.#transaction ??= new Promise<PrismaTransaction>((resolve, reject) => {
      const outcome = new Promise<boolean>((settle) => (this.#settle = settle));
      const slot: DriverSqlSlot = {};
      const started = withDriverSql(slot, () =>
        this.prisma.$transaction(async (tx) => {
          // An adapter that hands over no connection (none of ours) still runs the SQL, through Prisma.
          this.#driverSql = slot.sql ?? transactionRunner(tx);
          resolve(tx);
          if (!(await outcome)) throw ROLLBACK;
        }, this.options),
      );
      this.#done = started.then(
        () => undefined,
        (error: unknown) => {
          if (error !== ROLLBACK) throw error;
        },
      );
      // If BEGIN itself fails, the statement that asked for the transaction fails with it.
      this.#done.catch(reject);
    });
    return this.#transaction;
  }

  /**
   * Ends the unit: COMMIT when `commit` and the transaction was opened,
   * ROLLBACK otherwise. Rejects when COMMIT fails (then nothing was written).
   */
  async finish(commit: boolean): Promise<void> {
    if (this.#transaction) {
      // Opened and waiting: tell it how to end, then wait for the end.
      await this.#transaction.catch(() => undefined);
      this.#settle?.(commit);
      // A rollback that fails changes nothing: the transaction is gone either way.
      await (commit ? this.#done : this.#done?.catch(() => undefined));
    }
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
