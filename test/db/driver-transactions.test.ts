import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresTransactions } from "../../src/db/driver-transactions.js";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { SqlLog, withSqlLog } from "../../src/db/sql-log.js";
import { postgresRunner } from "../../src/db/sql-runner.js";
import { UnitOfWork } from "../../src/db/unit-of-work.js";
import { databaseFault } from "../../src/errors.js";
import { serverUrl } from "../support/databases.js";
import { unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

const isTransactionControl = (sql: string) => /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/.test(sql);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A unit of work on PostgreSQL runs on a transaction the project opens on
 * the driver (src/db/driver-transactions.ts); Prisma joins it only when the
 * unit calls Prisma. These hold it to what Prisma's own transaction
 * guaranteed: one transaction for both, committed or rolled back whole,
 * bounded waits and a bounded life, and the isolation level asked for.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("units of work on the driver's transaction (PostgreSQL)", () => {
  const app = useTestApp("postgres");
  const database = () => app.current.app.database;
  const unitOf = (options: { timeout?: number } = {}) =>
    new UnitOfWork(database().prisma, { maxWait: 2_000, timeout: options.timeout ?? 10_000, driver: database().transactions });
  const tagNamed = (name: string) => database().prisma.tag.findUnique({ where: { name } });

  it("runs the project's SQL and Prisma's calls in one transaction, with one BEGIN and one COMMIT", async () => {
    const [ours, prismas] = [unique("ours"), unique("prismas")];
    const log = new SqlLog();
    await withSqlLog(log, async () => {
      const unit = unitOf();
      await unit.sql.query(Prisma.sql`INSERT INTO "tags" ("name") VALUES (${ours})`);
      // Prisma sees the project's uncommitted row, and the project sees Prisma's, nested $transaction (a savepoint) included.
      expect(await unit.client.tag.count({ where: { name: ours } })).toBe(1);
      await unit.client.$transaction(async (tx) => tx.tag.create({ data: { name: prismas } }));
      expect(await unit.sql.query(Prisma.sql`SELECT "name" FROM "tags" WHERE "name" = ${prismas}`)).toEqual([{ name: prismas }]);
      // Nothing is visible outside before COMMIT.
      expect(await tagNamed(ours)).toBeNull();
      await unit.finish(true);
    });
    expect(await tagNamed(ours)).not.toBeNull();
    expect(await tagNamed(prismas)).not.toBeNull();
    expect(log.statements.filter(isTransactionControl).map((sql) => sql.replace(/prisma_sp_\d+/, "sp"))).toEqual([
      "BEGIN",
      "SAVEPOINT sp",
      "RELEASE SAVEPOINT sp",
      "COMMIT",
    ]);
  });

  it("rolls back the project's writes and Prisma's together", async () => {
    const [ours, prismas] = [unique("ours"), unique("prismas")];
    const unit = unitOf();
    await unit.sql.query(Prisma.sql`INSERT INTO "tags" ("name") VALUES (${ours})`);
    await unit.client.tag.create({ data: { name: prismas } });
    await unit.finish(false);
    expect(await tagNamed(ours)).toBeNull();
    expect(await tagNamed(prismas)).toBeNull();
  });

  it("opens no transaction for a unit that sends nothing, and none of Prisma's for one that sends only its own SQL", async () => {
    const idle = unitOf();
    await idle.finish(true);
    expect(idle.started).toBe(false);

    const log = new SqlLog();
    const name = unique("alone");
    await withSqlLog(log, async () => {
      const unit = unitOf();
      await unit.sql.query(Prisma.sql`INSERT INTO "tags" ("name") VALUES (${name})`);
      await unit.finish(true);
    });
    expect(log.statements).toEqual(["BEGIN", expect.stringMatching(/^INSERT INTO "tags"/), "COMMIT"]);
    expect(await tagNamed(name)).not.toBeNull();
  });

  it("fails a unit that runs past its timeout with DATABASE_TIMEOUT, rolls it back, and gives its connection back", async () => {
    const name = unique("late");
    const before = database().connections()!;
    const unit = unitOf({ timeout: 150 });
    await unit.sql.query(Prisma.sql`INSERT INTO "tags" ("name") VALUES (${name})`);
    await sleep(300);
    const late = await unit.sql.query(Prisma.sql`SELECT 1`).catch((error: unknown) => error);
    expect(databaseFault(late)).toBe("DATABASE_TIMEOUT");
    const commit = await unit.finish(true).catch((error: unknown) => error);
    expect(databaseFault(commit)).toBe("DATABASE_TIMEOUT");
    expect(await tagNamed(name)).toBeNull();
    expect(database().connections()!.total - database().connections()!.idle).toBe(before.total - before.idle);
  });

  it("runs a Prisma call past the timeout into the same DATABASE_TIMEOUT, and nothing of the unit is written", async () => {
    const name = unique("late-prisma");
    const unit = unitOf({ timeout: 150 });
    try {
      await unit.client.tag.create({ data: { name } });
      await sleep(300);
      const late = await unit.client.tag.count().catch((error: unknown) => error);
      expect(databaseFault(late)).toBe("DATABASE_TIMEOUT");
      expect(databaseFault(await unit.finish(true).catch((error: unknown) => error))).toBe("DATABASE_TIMEOUT");
    } finally {
      await unit.finish(false);
    }
    expect(await tagNamed(name)).toBeNull();
  });

  it("waits at most maxWait for a connection (DATABASE_BUSY), and a connection that comes later goes back to the pool", async () => {
    const pool = new pg.Pool({ connectionString: serverUrl(), max: 1 });
    try {
      const transactions = postgresTransactions(pool, (connection) => postgresRunner({ kind: "transaction", connection }, null));
      const holder = await pool.connect();
      const busy = await transactions.begin({ maxWaitMs: 100, timeoutMs: 5_000 }).catch((error: unknown) => error);
      expect(databaseFault(busy)).toBe("DATABASE_BUSY");
      holder.release();
      await sleep(50);
      expect({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }).toEqual({ total: 1, idle: 1, waiting: 0 });
      const next = await transactions.begin({ maxWaitMs: 1_000, timeoutMs: 5_000 });
      await next.end(true);
      expect(pool.idleCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("begins at the isolation level asked for, in the BEGIN itself", async () => {
    const log = new SqlLog();
    await withSqlLog(log, async () => {
      const transaction = await database().transactions!.begin({ isolationLevel: "Serializable", maxWaitMs: 1_000, timeoutMs: 5_000 });
      expect(await transaction.sql.query(Prisma.sql`SHOW transaction_isolation`)).toEqual([{ transaction_isolation: "serializable" }]);
      await transaction.end(true);
    });
    expect(log.statements).toEqual(["BEGIN ISOLATION LEVEL SERIALIZABLE", "SHOW transaction_isolation", "COMMIT"]);
  });

  it("answers a failed COMMIT as the failure it is and leaves no connection behind", async () => {
    const before = database().connections()!;
    const transaction = await database().transactions!.begin({ maxWaitMs: 1_000, timeoutMs: 5_000 });
    // A deferred constraint fails at COMMIT: the transaction ends rolled back.
    await transaction.sql.query(Prisma.sql`CREATE TEMP TABLE "deferred_check" ("id" int UNIQUE DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP`);
    await transaction.sql.query(Prisma.sql`INSERT INTO "deferred_check" VALUES (1), (1)`);
    const failed = await transaction.end(true).catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe("23505");
    expect(database().connections()!.total - database().connections()!.idle).toBe(before.total - before.idle);
  });
});
