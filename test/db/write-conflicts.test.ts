import { describe, expect, it } from "vitest";
import { isWriteConflict } from "../../src/db/conflicts.js";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, signUp } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/** Two serializable transactions that each wait for the other to reach `step` before going on. */
function barrier(parties: number) {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === parties) release();
    return all;
  };
}

const SERIALIZABLE = { isolationLevel: "Serializable" as const, timeout: 10_000 };

// Serialization failures need two connections at once: PostgreSQL only.
describe.runIf(testDatabaseKinds.includes("postgres"))("write conflicts on PostgreSQL, in each shape Prisma gives them", () => {
  const app = useTestApp("postgres");

  async function accounts() {
    const [a, b] = [await signUp(app.current), await signUp(app.current)];
    const prisma = app.current.app.database.prisma;
    const rows = await prisma.creditAccount.findMany({ where: { user: { handle: { in: [a.handle, b.handle] } } }, orderBy: { id: "asc" } });
    return rows.map((row) => row.id) as [number, number];
  }

  it("P2034 from a model query", async () => {
    const prisma = app.current.app.database.prisma;
    const [id] = await accounts();
    const bothRead = barrier(2);
    const attempt = () =>
      prisma.$transaction(async (tx) => {
        await tx.creditAccount.findUnique({ where: { id } });
        await bothRead();
        await tx.creditAccount.update({ where: { id }, data: { balance: { increment: 1 } } });
      }, SERIALIZABLE);
    const results = await Promise.allSettled([attempt(), attempt()]);
    const failure = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(failure.reason).toMatchObject({ code: "P2034" });
    expect(isWriteConflict(failure.reason)).toBe(true);
  });

  it("P2010 from a raw query", async () => {
    const prisma = app.current.app.database.prisma;
    const [id] = await accounts();
    const bothRead = barrier(2);
    const attempt = () =>
      prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT balance FROM credit_accounts WHERE id = ${id}`;
        await bothRead();
        await tx.$executeRaw`UPDATE credit_accounts SET balance = balance + 1 WHERE id = ${id}`;
      }, SERIALIZABLE);
    const results = await Promise.allSettled([attempt(), attempt()]);
    const failure = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(failure.reason).toMatchObject({ code: "P2010" });
    expect(isWriteConflict(failure.reason)).toBe(true);
  });

  it("the driver adapter's error at COMMIT (write skew)", async () => {
    const prisma = app.current.app.database.prisma;
    const [a, b] = await accounts();
    const bothWrote = barrier(2);
    let firstCommitted!: () => void;
    const committed = new Promise<void>((resolve) => (firstCommitted = resolve));
    // Each reads both accounts and writes the one the other did not: neither blocks, and
    // only the second COMMIT can tell the schedule was not serializable.
    const first = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT sum(balance) FROM credit_accounts WHERE id IN (${a}, ${b})`;
      await tx.$executeRaw`UPDATE credit_accounts SET balance = balance + 1 WHERE id = ${a}`;
      await bothWrote();
    }, SERIALIZABLE).finally(firstCommitted);
    const second = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT sum(balance) FROM credit_accounts WHERE id IN (${a}, ${b})`;
      await tx.$executeRaw`UPDATE credit_accounts SET balance = balance + 1 WHERE id = ${b}`;
      await bothWrote();
      await committed;
    }, SERIALIZABLE);
    await first;
    const failure = await second.then(() => null, (error: unknown) => error);
    expect(failure).not.toBeNull();
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure as object))).toMatch(/TransactionWriteConflict|40001/);
    expect(isWriteConflict(failure)).toBe(true);
  });
});

// Two operations that update the same two posts in opposite orders deadlock on PostgreSQL;
// PostgreSQL aborts one, and its unit of work runs it again from the start.
describe.runIf(testDatabaseKinds.includes("postgres"))("the unit of work's retries on PostgreSQL", () => {
  const app = useTestApp("postgres", { env: { DB_POOL_SIZE: "10" } });

  it("runs an operation that lost a deadlock again, so both operations succeed", async () => {
    const t = app.current;
    const author = await signUp(t);
    const update = `mutation($a: ID!, $b: ID!, $ta: String!, $tb: String!) {
      first: updatePost(input: { id: $a, title: $ta }) { id }
      second: updatePost(input: { id: $b, title: $tb }) { id }
    }`;
    t.logs.length = 0;
    const outcomes: unknown[] = [];
    // One pair at a time: the loser of a deadlock runs again once the winner has committed.
    for (let round = 0; round < 20 && !t.logs.some((line) => line.message === "unit of work retried"); round++) {
      const [p1, p2] = [await createPost(t, author), await createPost(t, author)];
      const results = await Promise.all(
        Array.from({ length: 2 }, (_, i) =>
          t.graphql(update, {
            token: author.token,
            variables: i % 2 ? { a: p1.id, b: p2.id, ta: `A${i}`, tb: `B${i}` } : { a: p2.id, b: p1.id, ta: `B${i}`, tb: `A${i}` },
          }),
        ),
      );
      outcomes.push(...results.map((result) => result.body));
    }
    expect(outcomes.filter((body) => (body as { errors?: unknown }).errors !== undefined)).toEqual([]);
    expect(t.logs.filter((line) => line.message === "unit of work retried").length).toBeGreaterThan(0);
  }, 120_000);
});
