import { describe, expect, it } from "vitest";
import { grant, rowId, usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import type { TestUser } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";

/**
 * What a write was authorised as holds when it commits: the acting account
 * is read again and locked inside the unit of work. PGlite runs one
 * statement at a time, so these races run on PostgreSQL.
 */
const SUSPEND = `mutation($ids: [ID!]!) { suspendUsers(ids: $ids) { affectedCount } }`;
const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`;
const GRANT = `mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id } }`;

/**
 * Runs `change` in a transaction of its own that stays open until `request`
 * has reached the database and is waiting for it, then commits it, and
 * returns what the request answered.
 */
async function changedWhileRunning(t: TestApp, change: string, send: () => ReturnType<TestApp["graphql"]>) {
  const prisma = t.app.database.prisma;
  let commit!: () => void;
  const committed = new Promise<void>((resolve) => (commit = resolve));
  let changed!: () => void;
  const changeMade = new Promise<void>((resolve) => (changed = resolve));
  const holder = prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(change);
      changed();
      await committed;
    },
    { timeout: 20_000 },
  );
  await changeMade;
  const answer = send();
  // The request waits on the row lock the open change holds; give it time to get there.
  await waitForLockWait(t);
  commit();
  await holder;
  return answer;
}

/** Until some backend of this database waits on a lock. */
async function waitForLockWait(t: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await t.app.database.prisma.$queryRaw<{ waiting: bigint }[]>`
      SELECT count(*) AS "waiting" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (Number(row!.waiting) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the request never waited for the open change");
}

describe.runIf(testDatabaseKinds.includes("postgres"))("authorisation holds at commit, on PostgreSQL", () => {
  const app = useTestApp("postgres", { env: { DB_POOL_SIZE: "8" } });

  it("two admins suspending each other at the same moment leave exactly one suspended, in every round", async () => {
    const t = app.current;
    for (let round = 0; round < 15; round++) {
      const [a, b] = (await usersWithTokens(t, 2, "ADMIN")) as [TestUser, TestUser];
      const [byA, byB] = await Promise.all([
        t.graphql(SUSPEND, { token: a.token, variables: { ids: [b.id] } }),
        t.graphql(SUSPEND, { token: b.token, variables: { ids: [a.id] } }),
      ]);
      const codes = [byA, byB].map((answer) => answer.body.errors?.[0]?.extensions?.code ?? "OK").sort();
      expect(codes).toEqual(["OK", "UNAUTHENTICATED"]);
      const suspended = await t.app.database.prisma.user.count({ where: { id: { in: [rowId(a.id), rowId(b.id)] }, suspendedAt: { not: null } } });
      expect(suspended).toBe(1);
    }
  }, 120_000);

  it("a write that was waiting when its account was suspended fails UNAUTHENTICATED and writes nothing", async () => {
    const t = app.current;
    const [writer] = (await usersWithTokens(t, 1)) as [TestUser];
    const title = `Sent before the suspension ${writer.handle}`;
    const answer = await changedWhileRunning(t, `UPDATE "users" SET "suspended_at" = now() WHERE "id" = ${rowId(writer.id)}`, () =>
      t.graphql(CREATE, { token: writer.token, variables: { input: { title, body: "Too late." } } }),
    );
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(answer.body.data).toBeNull();
    expect(await t.app.database.prisma.post.count({ where: { title } })).toBe(0);
  });

  it("a write that was waiting when its account was deleted fails UNAUTHENTICATED and writes nothing", async () => {
    const t = app.current;
    const [writer] = (await usersWithTokens(t, 1)) as [TestUser];
    const title = `Sent before the deletion ${writer.handle}`;
    const answer = await changedWhileRunning(t, `DELETE FROM "users" WHERE "id" = ${rowId(writer.id)}`, () =>
      t.graphql(CREATE, { token: writer.token, variables: { input: { title, body: "Too late." } } }),
    );
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(await t.app.database.prisma.post.count({ where: { title } })).toBe(0);
  });

  it("an admin's grant that was waiting when the admin was demoted runs as a user: FORBIDDEN, and no credit is minted", async () => {
    const t = app.current;
    const [admin] = (await usersWithTokens(t, 1, "ADMIN")) as [TestUser];
    const [reader] = (await usersWithTokens(t, 1)) as [TestUser];
    expect((await grant(t, admin, reader, 5)).body.errors).toBeUndefined();
    const answer = await changedWhileRunning(t, `UPDATE "users" SET "role" = 'USER' WHERE "id" = ${rowId(admin.id)}`, () =>
      t.graphql(GRANT, { token: admin.token, variables: { input: { toUserId: reader.id, amount: 100 } } }),
    );
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);
    const account = await t.app.database.prisma.creditAccount.findFirstOrThrow({ where: { userId: rowId(reader.id) } });
    expect(account.balance).toBe(5);
  });
});
