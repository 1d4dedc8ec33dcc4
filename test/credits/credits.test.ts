import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { errorCodes, expectNoErrors, signUp, unique } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";
import { MAX_SUPPLY } from "../../src/schema/credits/service.js";
import { grant, ledgerInvariants, makeAdmin, rowId, send, SEND } from "./support.js";

describe.each(testDatabaseKinds)("credits on %s", (kind) => {
  const app = useTestApp(kind);

  it("grants, sends and keeps a ledger whose entries explain every balance", async () => {
    const t = app.current;
    const [admin, reader, writer] = [await signUp(t), await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    const granted = await grant(t, admin, reader, 100);
    expect(granted.body).toMatchObject({ data: { grantCredits: { amount: 100, from: null, to: { handle: reader.handle } } } });
    const sent = await t.graphql(SEND, { token: reader.token, variables: { input: { toUserId: writer.id, amount: 30, note: "For the essay" } } });
    expect(sent.body).toMatchObject({ data: { sendCredits: { amount: 30, note: "For the essay", from: { handle: reader.handle }, to: { handle: writer.handle } } } });

    const mine = await t.graphql(`{ viewer { credits { balance entries(first: 10) { edges { node { amount balanceAfter transfer { amount } } } } } } }`, { token: reader.token });
    expect(mine.body).toEqual({
      data: {
        viewer: {
          credits: {
            balance: 70,
            entries: { edges: [{ node: { amount: -30, balanceAfter: 70, transfer: { amount: 30 } } }, { node: { amount: 100, balanceAfter: 100, transfer: { amount: 100 } } }] },
          },
        },
      },
    });
    expect(await ledgerInvariants(t)).toMatchObject({ negative: 0, drifted: 0, unbalanced: 0, notTwo: 0, badAfter: 0 });
    // BEGIN, the viewer (locked until COMMIT), one statement that locks and moves the
    // money (and audits it), the payload with its parties (one statement, under the transfers'
    // access rule), COMMIT: the accounts stay locked for two round trips.
    expect(sent.statements).toHaveLength(5);
    expect(sent.statements.slice(0, 4)).toEqual([
      "BEGIN",
      expect.stringMatching(/FROM "users" WHERE "id" = \$1 AND "suspended_at" IS NULL FOR SHARE$/),
      expect.stringMatching(/FOR UPDATE[\s\S]*INSERT INTO "ledger_entries"[\s\S]*INSERT INTO audit_events/),
      expect.stringMatching(/FROM "transfers" AS "x" WHERE "x"."id" = \$1 AND EXISTS \(SELECT 1 FROM "credit_accounts"/),
    ]);
    expect(sent.statements.at(-1)).toBe("COMMIT");
  });

  it("refuses what a client got wrong, with its code, and moves nothing", async () => {
    const t = app.current;
    const [admin, reader, writer] = [await signUp(t), await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    await grant(t, admin, reader, 10);
    const nobody = Buffer.from("User:2000000000").toString("base64");
    const cases: Array<[unknown, string, string | undefined]> = [
      [await send(t, reader, writer, 11), "INSUFFICIENT_CREDITS", "input.amount"],
      [await send(t, reader, reader, 1), "BAD_USER_INPUT", "input.toUserId"],
      [await send(t, reader, { id: nobody }, 1), "NOT_FOUND", undefined],
      [await send(t, reader, writer, 0), "BAD_USER_INPUT", "input.amount"],
      [await send(t, reader, writer, -5), "BAD_USER_INPUT", "input.amount"],
      [await send(t, reader, writer, 1_000_001), "BAD_USER_INPUT", "input.amount"],
      [await grant(t, reader, writer, 5), "FORBIDDEN", undefined],
    ];
    for (const [response, code, field] of cases) {
      const { body } = response as { body: { data: unknown; errors: Array<{ extensions: Record<string, unknown> }> } };
      expect(body.data).toBeNull();
      expect(body.errors[0]!.extensions.code).toBe(code);
      if (field) expect(body.errors[0]!.extensions.field).toBe(field);
    }
    const balances = await t.app.database.prisma.creditAccount.findMany({ where: { userId: { in: [rowId(reader.id), rowId(writer.id)] } }, orderBy: { id: "asc" } });
    expect(balances.map((account) => account.balance)).toEqual([10, 0]);
  });

  it("shows credits and transfers only to their owners (and admins): to anyone else they do not exist", async () => {
    const t = app.current;
    const [admin, reader, writer, stranger] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    await grant(t, admin, reader, 50);
    const transferId = ((await send(t, reader, writer, 20)).body.data as { sendCredits: { id: string } }).sendCredits.id;
    const credits = `query($h: String!) { user(handle: $h) { credits { balance } } }`;
    const node = `query($id: ID!) { node(id: $id) { id } }`;
    expect((await t.graphql(credits, { token: stranger.token, variables: { h: reader.handle } })).body).toEqual({ data: { user: { credits: null } } });
    expect((await t.graphql(credits, { variables: { h: reader.handle } })).body).toEqual({ data: { user: { credits: null } } });
    expect((await t.graphql(credits, { token: admin.token, variables: { h: reader.handle } })).body).toEqual({ data: { user: { credits: { balance: 30 } } } });
    for (const viewer of [reader, writer, admin]) {
      expect((await t.graphql(node, { token: viewer.token, variables: { id: transferId } })).body).toEqual({ data: { node: { id: transferId } } });
    }
    const missing = Buffer.from("Transfer:2000000000").toString("base64");
    expect((await t.graphql(node, { token: stranger.token, variables: { id: transferId } })).body).toEqual(
      (await t.graphql(node, { token: stranger.token, variables: { id: missing } })).body,
    );
  });

  it("keeps ledger entries immutable and balances non-negative in the database itself", async () => {
    const t = app.current;
    const prisma = t.app.database.prisma;
    const [admin, reader] = [await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    expectNoErrors(await grant(t, admin, reader, 5));
    await expect(prisma.$executeRawUnsafe(`UPDATE ledger_entries SET amount = amount + 1`)).rejects.toThrow(/immutable/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM ledger_entries`)).rejects.toThrow(/immutable/);
    await expect(prisma.$executeRawUnsafe(`UPDATE credit_accounts SET balance = -1 WHERE user_id = ${rowId(reader.id)}`)).rejects.toThrow(/balance_check/);
    await expect(prisma.$executeRawUnsafe(`INSERT INTO transfers (kind, from_account_id, to_account_id, amount) VALUES ('SEND', 1, 1, 5)`)).rejects.toThrow(/accounts_check/);
    await expect(prisma.$executeRawUnsafe(`INSERT INTO transfers (kind, from_account_id, to_account_id, amount) SELECT 'SEND', 1, max(id), 0 FROM credit_accounts`)).rejects.toThrow(/amount_check/);
  });

  describe("with an Idempotency-Key", () => {
    it("replays the same request's response and writes nothing; another request with the key is IDEMPOTENCY_KEY_REUSED", async () => {
      const t = app.current;
      const prisma = t.app.database.prisma;
      const [admin, reader, writer] = [await signUp(t), await signUp(t), await signUp(t)];
      await makeAdmin(t, admin);
      await grant(t, admin, reader, 100);
      const key = { "idempotency-key": `pay-${reader.handle}` };
      const first = await send(t, reader, writer, 25, key);
      expectNoErrors(first);
      const transfers = await prisma.transfer.count();
      const replay = await send(t, reader, writer, 25, key);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      expect(await prisma.transfer.count()).toBe(transfers);
      // Replays write nothing at all: the transaction rolls back.
      expect(replay.statements.at(-1)).toBe("ROLLBACK");

      const other = await send(t, reader, writer, 26, key);
      expect(other.status).toBe(422);
      expect(errorCodes(other)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
      expect(await prisma.transfer.count()).toBe(transfers);
      // Keys are per user: the same key from someone else is theirs.
      await grant(t, admin, writer, 10);
      expectNoErrors(await send(t, writer, reader, 5, key));
    });

    it("stores nothing for a failed operation, so the key can be used again", async () => {
      const t = app.current;
      const [admin, reader, writer] = [await signUp(t), await signUp(t), await signUp(t)];
      await makeAdmin(t, admin);
      const key = { "idempotency-key": `retry-${reader.handle}` };
      expect(errorCodes(await send(t, reader, writer, 5, key))).toEqual(["INSUFFICIENT_CREDITS"]);
      await grant(t, admin, reader, 5);
      const second = await send(t, reader, writer, 5, key);
      expectNoErrors(second);
      expect(second.headers.get("idempotent-replayed")).toBeNull();
    });

    it("forgets a key when it expires, and needs a signed-in viewer and a sane key", async () => {
      const t = app.current;
      const prisma = t.app.database.prisma;
      const [admin, reader, writer] = [await signUp(t), await signUp(t), await signUp(t)];
      await makeAdmin(t, admin);
      await grant(t, admin, reader, 10);
      const key = { "idempotency-key": `old-${reader.handle}` };
      expectNoErrors(await send(t, reader, writer, 1, key));
      await prisma.idempotencyKey.updateMany({ where: { userId: rowId(reader.id) }, data: { expiresAt: new Date(Date.now() - 1_000) } });
      const again = await send(t, reader, writer, 1, key);
      expectNoErrors(again);
      expect(again.headers.get("idempotent-replayed")).toBeNull();
      expect((await prisma.creditAccount.findUnique({ where: { userId: rowId(reader.id) } }))!.balance).toBe(8);

      const anonymous = await t.graphql(SEND, { variables: { input: { toUserId: writer.id, amount: 1 } }, headers: key });
      expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
      const tooLong = await send(t, reader, writer, 1, { "idempotency-key": "x".repeat(256) });
      expect(tooLong.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "Idempotency-Key" } }]);
    });

    it("refuses a key on an operation that answers a credential (logIn, signUp), signed in or not, and stores no token", async () => {
      const t = app.current;
      const prisma = t.app.database.prisma;
      const reader = await signUp(t);
      const before = await prisma.idempotencyKey.count();
      const logIn = `mutation($i: LogInInput!) { logIn(input: $i) { token } }`;
      const newcomer = unique("n");
      // The same field inside an inline fragment or a named fragment at the root is the same field.
      const inFragment = `mutation($i: LogInInput!) { ... on Mutation { logIn(input: $i) { token } } }`;
      const inSpread = `mutation($i: LogInInput!) { ...LogIn } fragment LogIn on Mutation { again: logIn(input: $i) { token } }`;
      const attempts = [
        t.graphql(logIn, { token: reader.token, variables: { i: { email: reader.email, password: reader.password } }, headers: { "idempotency-key": unique("k") } }),
        t.graphql(inFragment, { token: reader.token, variables: { i: { email: reader.email, password: reader.password } }, headers: { "idempotency-key": unique("k") } }),
        t.graphql(inSpread, { token: reader.token, variables: { i: { email: reader.email, password: reader.password } }, headers: { "idempotency-key": unique("k") } }),
        t.graphql(logIn, { variables: { i: { email: reader.email, password: reader.password } }, headers: { "idempotency-key": unique("k") } }),
        t.graphql(`mutation($i: SignUpInput!) { signUp(input: $i) { user { handle } } }`, {
          token: reader.token,
          variables: { i: { email: `${newcomer}@example.com`, handle: newcomer, password: "long enough password", name: "N" } },
          headers: { "idempotency-key": unique("k") },
        }),
      ];
      for (const [index, answer] of (await Promise.all(attempts)).entries()) {
        expect(answer.body.data, `attempt ${index}`).toBeNull();
        expect(answer.body.errors, `attempt ${index}`).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: "Idempotency-Key" }, message: expect.stringMatching(/credential/) }]);
      }
      expect(await prisma.idempotencyKey.count()).toBe(before);
      expect(await prisma.user.count({ where: { handle: newcomer } })).toBe(0);
      const stored = await prisma.idempotencyKey.findMany({ select: { response: true } });
      expect(stored.filter((row) => /token|eyJ/.test(row.response ?? ""))).toEqual([]);
    });
  });
});

// An app of its own: these tests leave the supply nearly granted out, which the tests above would trip over.
describe.each(testDatabaseKinds)("the credit supply on %s", (kind) => {
  const app = useTestApp(kind);

  it("caps the credits granted at what a balance holds: a grant past it is BAD_USER_INPUT, moves nothing, and no balance overflows", async () => {
    const t = app.current;
    const prisma = t.app.database.prisma;
    const [admin, whale, other] = [await signUp(t), await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    // Most of the supply granted to one account at once, as a grant writes it: a transfer and two ledger entries.
    const granted = MAX_SUPPLY - 1_500_000;
    await prisma.$executeRaw`
      WITH "s" AS (UPDATE "credit_accounts" SET "balance" = "balance" - ${granted}::int WHERE "kind" = 'SYSTEM' RETURNING "id", "balance"),
           "r" AS (UPDATE "credit_accounts" SET "balance" = "balance" + ${granted}::int WHERE "user_id" = ${rowId(whale.id)} RETURNING "id", "balance"),
           "t" AS (INSERT INTO "transfers" ("kind", "from_account_id", "to_account_id", "amount") SELECT 'GRANT', "s"."id", "r"."id", ${granted}::int FROM "s", "r" RETURNING "id")
      INSERT INTO "ledger_entries" ("account_id", "transfer_id", "amount", "balance_after")
      SELECT "s"."id", "t"."id", ${-granted}::int, "s"."balance" FROM "s", "t" UNION ALL SELECT "r"."id", "t"."id", ${granted}::int, "r"."balance" FROM "r", "t"`;
    const state = async () => ({
      transfers: await prisma.transfer.count(),
      balances: (await prisma.creditAccount.findMany({ orderBy: { id: "asc" }, select: { balance: true } })).map((account) => account.balance),
    });

    expectNoErrors(await grant(t, admin, other, 1_000_000));
    const before = await state();
    const refused = await grant(t, admin, other, 1_000_000);
    expect(refused.body.data).toBeNull();
    expect(refused.body.errors).toMatchObject([
      { message: `Credits are capped at ${MAX_SUPPLY} in all; at most 500000 more can be granted.`, extensions: { code: "BAD_USER_INPUT", field: "input.amount" } },
    ]);
    expect(await state()).toEqual(before);

    expectNoErrors(await grant(t, admin, other, 500_000));
    expect(errorCodes(await grant(t, admin, whale, 1))).toEqual(["BAD_USER_INPUT"]);
    // Every credit there can be is out; the accounts still trade them.
    expectNoErrors(await send(t, whale, other, 1_000_000));
    const system = await prisma.creditAccount.findFirstOrThrow({ where: { kind: "SYSTEM" } });
    expect(system.balance).toBe(-MAX_SUPPLY);
    expect(await ledgerInvariants(t)).toEqual({ total: 0, negative: 0, drifted: 0, unbalanced: 0, notTwo: 0, badAfter: 0 });
  });
});
