import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deploymentOf } from "../../src/auth/deployment.js";
import { createTokenService } from "../../src/auth/tokens.js";
import { testDatabaseKinds } from "../support/databases.js";
import { signUp } from "../support/fixtures.js";
import { subscribe } from "../support/subscriptions.js";
import { startTestApp, TEST_AUTH_SECRET, useTestApp } from "../support/test-app.js";
import { grant, rowId, send, usersWithTokens } from "./support.js";

const CREDITS_CHANGED = `subscription Balance { creditsChanged { balance sequence entry { amount balanceAfter transfer { amount from { handle } to { handle } } } } }`;

interface Changed {
  creditsChanged: {
    balance: number;
    sequence: number;
    entry: { amount: number; balanceAfter: number; transfer: { amount: number; from: { handle: string } | null; to: { handle: string } } } | null;
  };
}

describe.each(testDatabaseKinds)("creditsChanged on %s", (kind) => {
  const app = useTestApp(kind);

  it("sends the balance first, then each change to both sides, each with the entry it follows", async () => {
    const t = app.current;
    const [admin, payer, payee] = await usersWithTokens(t, 3);
    await t.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    const payerStream = await subscribe<Changed>(t, CREDITS_CHANGED, { token: payer!.token });
    const payeeStream = await subscribe<Changed>(t, CREDITS_CHANGED, { token: payee!.token });
    expect((await payerStream.next()).data!.creditsChanged).toEqual({ balance: 0, sequence: 0, entry: null });
    expect((await payeeStream.next()).data!.creditsChanged.balance).toBe(0);

    expect((await grant(t, admin!, payer!, 100)).body.errors).toBeUndefined();
    const granted = (await payerStream.next()).data!.creditsChanged;
    expect(granted).toMatchObject({ balance: 100, entry: { amount: 100, balanceAfter: 100, transfer: { amount: 100, from: null, to: { handle: payer!.handle } } } });

    expect((await send(t, payer!, payee!, 30)).body.errors).toBeUndefined();
    const paid = (await payerStream.next()).data!.creditsChanged;
    const received = (await payeeStream.next()).data!.creditsChanged;
    expect(paid).toMatchObject({ balance: 70, entry: { amount: -30, balanceAfter: 70 } });
    expect(received).toMatchObject({ balance: 30, entry: { amount: 30, balanceAfter: 30, transfer: { from: { handle: payer!.handle } } } });
    expect(paid.sequence).toBeGreaterThan(granted.sequence);

    // Refused for want of credits: rolled back, so nobody hears of it.
    expect((await send(t, payee!, payer!, 1_000)).body.errors?.[0]?.extensions?.code).toBe("INSUFFICIENT_CREDITS");
    expect(await payerStream.collect(300)).toEqual([]);
    expect(await payeeStream.collect(0)).toEqual([]);
    payerStream.close();
    payeeStream.close();
  });

  it("is only for a signed-in viewer", async () => {
    const stream = await subscribe(app.current, CREDITS_CHANGED);
    expect((await stream.next()).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("ends with UNAUTHENTICATED when an admin suspends the account", async () => {
    const t = app.current;
    const [admin, member] = await usersWithTokens(t, 2);
    await t.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    const stream = await subscribe<Changed>(t, CREDITS_CHANGED, { token: member!.token });
    await stream.next();
    const suspended = await t.graphql(`mutation Suspend($ids: [ID!]!) { suspendUsers(ids: $ids) { affectedCount } }`, {
      token: admin!.token,
      variables: { ids: [member!.id] },
    });
    expect(suspended.body.errors).toBeUndefined();
    const last = await stream.next();
    expect(last.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([["UNAUTHENTICATED", "Your account is no longer active."]]);
    await stream.completed;
  });
});

describe("creditsChanged and the token's lifetime", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "inkwell-expiry-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ends with UNAUTHENTICATED when the token expires", async () => {
    const t = await startTestApp("pglite", { env: { PGLITE_DIR: dir } });
    try {
      const member = await signUp(t);
      // A token of this deployment that lives three seconds. A JWT's expiry is in whole seconds, so a
      // token of n seconds lives between n - 1 and n: at one second it could expire before the
      // subscription's first event on a busy machine, and the test would fail for the wrong reason.
      const shortLived = createTokenService(TEST_AUTH_SECRET, 3, deploymentOf({ kind: "pglite", dir } as never));
      const token = await shortLived.issue(rowId(member.id));
      const stream = await subscribe<Changed>(t, CREDITS_CHANGED, { token });
      expect((await stream.next()).data!.creditsChanged.balance).toBe(0);
      const last = await stream.next(5_000);
      expect(last.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(last.errors?.[0]?.message).toMatch(/expired/);
      await stream.completed;
    } finally {
      await t.close();
    }
  });
});
