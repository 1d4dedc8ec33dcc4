import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import type { TestUser } from "../support/fixtures.js";
import { unique } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";
import { grant, ledgerInvariants, rowId, SEND, usersWithTokens } from "./support.js";

/** `count` users with `credits` each, granted through the API by an admin. */
async function people(t: TestApp, count: number, credits: number): Promise<TestUser[]> {
  const [admin] = await usersWithTokens(t, 1, "ADMIN");
  const users = await usersWithTokens(t, count);
  for (const user of users) {
    const response = await t.graphql(`mutation($i: GrantCreditsInput!) { grantCredits(input: $i) { id } }`, {
      token: admin!.token,
      variables: { i: { toUserId: user.id, amount: credits } },
    });
    expect(response.body.errors).toBeUndefined();
  }
  return users;
}

/** Runs `work` for each item with at most `clients` at a time. */
async function withClients<T, R>(items: T[], clients: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** A deterministic random sequence, so a failure can be run again as it was. */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

// PGlite runs one statement at a time, so it cannot show a race: these run on PostgreSQL.
describe.runIf(testDatabaseKinds.includes("postgres"))("credits under concurrency on PostgreSQL", () => {
  const app = useTestApp("postgres", { env: { DB_POOL_SIZE: "20" } });

  it("5,000 transfers from 64 clients (hot accounts, opposite pairs, overdrafts) keep every invariant, with no deadlock or internal error", async () => {
    const t = app.current;
    const users = await people(t, 40, 1_000);
    const hot = users.slice(0, 3);
    const rand = random(42);
    const pick = (list: TestUser[]) => list[Math.floor(rand() * list.length)]!;
    const transfers: Array<{ from: TestUser; to: TestUser; amount: number }> = [];
    while (transfers.length < 5_000) {
      const roll = rand();
      const from = pick(users);
      let to = pick(users);
      while (to === from) to = pick(users);
      if (roll < 0.3) {
        // To or from one of the three hot accounts.
        const hotOne = pick(hot);
        const other = from === hotOne ? to : from;
        transfers.push(rand() < 0.5 ? { from: hotOne, to: other, amount: 1 + Math.floor(rand() * 20) } : { from: other, to: hotOne, amount: 1 + Math.floor(rand() * 20) });
      } else if (roll < 0.5) {
        // An opposite pair, sent back to back so they run at the same time.
        const amount = 1 + Math.floor(rand() * 20);
        transfers.push({ from, to, amount }, { from: to, to: from, amount });
      } else if (roll < 0.6) {
        transfers.push({ from, to, amount: 5_000 + Math.floor(rand() * 1_000) }); // more than anyone has
      } else {
        transfers.push({ from, to, amount: 1 + Math.floor(rand() * 50) });
      }
    }
    const before = await ledgerInvariants(t);
    const userTotalBefore = (await t.app.database.prisma.creditAccount.aggregate({ _sum: { balance: true }, where: { kind: "USER" } }))._sum.balance;
    t.logs.length = 0;

    const codes = await withClients(transfers.slice(0, 5_000), 64, async ({ from, to, amount }) => {
      const response = await t.graphql(SEND, { token: from.token, variables: { input: { toUserId: to.id, amount } } });
      return response.body.errors?.[0]?.extensions?.code ?? "OK";
    });

    const tally = codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});
    expect(Object.keys(tally).sort()).toEqual(["INSUFFICIENT_CREDITS", "OK"]);
    expect(tally.OK).toBeGreaterThan(3_000);
    const after = await ledgerInvariants(t);
    expect(after).toEqual({ ...before, total: before.total });
    expect(after).toMatchObject({ negative: 0, drifted: 0, unbalanced: 0, notTwo: 0, badAfter: 0 });
    const userTotalAfter = (await t.app.database.prisma.creditAccount.aggregate({ _sum: { balance: true }, where: { kind: "USER" } }))._sum.balance;
    expect(userTotalAfter).toBe(userTotalBefore);
    const retries = t.logs.filter((line) => line.message === "unit of work retried").length;
    const gaveUp = t.logs.filter((line) => line.message === "unit of work gave up after write conflicts").length;
    expect(gaveUp).toBe(0);
    expect(t.logs.filter((line) => line.level === "error")).toEqual([]);
    console.info(`5,000 transfers: ${JSON.stringify(tally)}, ${retries} retries`);
  }, 300_000);
});

// Accounts near empty, so that transfers each affordable alone overdraw together.
describe.runIf(testDatabaseKinds.includes("postgres"))("overdrafts under concurrency on PostgreSQL", () => {
  const app = useTestApp("postgres", { env: { DB_POOL_SIZE: "20" } });

  /** One burst of transfers: from hot senders, in opposite pairs, and for more than anyone has. */
  const burst = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("hot" as const), sender: fc.nat(2), recipient: fc.nat(5), amount: fc.integer({ min: 5, max: 30 }) }),
      fc.record({ kind: fc.constant("pair" as const), sender: fc.nat(5), recipient: fc.nat(5), amount: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant("overdraft" as const), sender: fc.nat(5), recipient: fc.nat(5), amount: fc.integer({ min: 41, max: 500 }) }),
    ),
    { minLength: 48, maxLength: 144 },
  );

  it("48 clients sending from accounts of 40 credits answer only OK or INSUFFICIENT_CREDITS, and every balance is what the committed transfers say", async () => {
    const t = app.current;
    const [admin] = await usersWithTokens(t, 1, "ADMIN");
    const prisma = t.app.database.prisma;
    await fc.assert(
      fc.asyncProperty(burst, async (plan) => {
        const users = await usersWithTokens(t, 6);
        for (const user of users) expect((await grant(t, admin!, user, 40)).body.errors).toBeUndefined();
        const transfers = plan.flatMap(({ kind, sender, recipient, amount }) => {
          const from = users[sender]!;
          const to = users[recipient === sender ? (recipient + 1) % users.length : recipient]!;
          return kind === "pair" ? [{ from, to, amount }, { from: to, to: from, amount }] : [{ from, to, amount }];
        });
        t.logs.length = 0;
        const answers = await withClients(transfers, 48, async ({ from, to, amount }) => {
          const response = await t.graphql(SEND, { token: from.token, variables: { input: { toUserId: to.id, amount } } });
          return response.body.errors?.[0]?.extensions?.code ?? "OK";
        });
        expect(new Set(answers).size).toBeLessThanOrEqual(2);
        expect(answers.filter((code) => code !== "OK" && code !== "INSUFFICIENT_CREDITS")).toEqual([]);
        expect(t.logs.filter((line) => line.level === "error")).toEqual([]);
        // Every balance is 40 plus what the committed transfers brought in, less what they took out.
        const expected = new Map(users.map((user) => [rowId(user.id), 40]));
        transfers.forEach(({ from, to, amount }, index) => {
          if (answers[index] !== "OK") return;
          expected.set(rowId(from.id), expected.get(rowId(from.id))! - amount);
          expected.set(rowId(to.id), expected.get(rowId(to.id))! + amount);
        });
        const accounts = await prisma.creditAccount.findMany({ where: { userId: { in: [...expected.keys()] } }, select: { userId: true, balance: true } });
        expect(new Map(accounts.map((account) => [account.userId!, account.balance]))).toEqual(expected);
        expect(await ledgerInvariants(t)).toMatchObject({ negative: 0, drifted: 0, unbalanced: 0, notTwo: 0, badAfter: 0 });
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) >= 5_000 ? 25 : 8 },
    );
  }, 300_000);
});

describe.each(testDatabaseKinds)("idempotency under concurrency on %s", (kind) => {
  const app = useTestApp(kind, { env: { DB_POOL_SIZE: "12" } });

  it("10 concurrent requests with one key make one transfer and get identical answers; replaying 1,000 used keys writes nothing", async () => {
    const t = app.current;
    const [payer, payee] = await people(t, 2, 100_000);
    const key = { "idempotency-key": unique("same") };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.graphql(SEND, { token: payer!.token, variables: { input: { toUserId: payee!.id, amount: 7 } }, headers: key })),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]!.body.errors).toBeUndefined();
    expect(answers.filter((answer) => answer.headers.get("idempotent-replayed") === "true")).toHaveLength(9);
    const prisma = t.app.database.prisma;
    const payerAccount = await prisma.creditAccount.findFirstOrThrow({ where: { user: { handle: payer!.handle } } });
    expect(await prisma.transfer.count({ where: { fromAccountId: payerAccount.id } })).toBe(1);

    const keys = Array.from({ length: 1_000 }, (_, i) => `k-${payer!.handle}-${i}`);
    const send = (k: string) => t.graphql(SEND, { token: payer!.token, variables: { input: { toUserId: payee!.id, amount: 1 } }, headers: { "idempotency-key": k } });
    await withClients(keys, 16, send);
    const rows = async () => ({ transfers: await prisma.transfer.count(), entries: await prisma.ledgerEntry.count(), keys: await prisma.idempotencyKey.count() });
    const afterFirst = await rows();
    const replays = await withClients(keys, 16, send);
    expect(replays.every((replay) => replay.headers.get("idempotent-replayed") === "true")).toBe(true);
    expect(await rows()).toEqual(afterFirst);
  }, 300_000);
});
