import type { TestApp, GraphQLResponse } from "../support/test-app.js";
import { unique, type TestUser } from "../support/fixtures.js";

export const SEND = `mutation Send($input: SendCreditsInput!) { sendCredits(input: $input) { id amount note from { handle } to { handle } } }`;
export const GRANT = `mutation Grant($input: GrantCreditsInput!) { grantCredits(input: $input) { id amount from { handle } to { handle } } }`;

export async function makeAdmin(t: TestApp, user: TestUser): Promise<void> {
  await t.app.database.prisma.user.update({ where: { handle: user.handle }, data: { role: "ADMIN" } });
}

export function send(t: TestApp, from: TestUser, to: { id: string }, amount: number, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  return t.graphql(SEND, { token: from.token, variables: { input: { toUserId: to.id, amount } }, headers });
}

export function grant(t: TestApp, admin: TestUser, to: { id: string }, amount: number): Promise<GraphQLResponse> {
  return t.graphql(GRANT, { token: admin.token, variables: { input: { toUserId: to.id, amount } } });
}

export const rowId = (globalId: string) => Number(Buffer.from(globalId, "base64").toString().split(":")[1]);

/** The ledger's invariants, checked on the rows themselves. */
export async function ledgerInvariants(t: TestApp) {
  const [check] = await t.app.database.prisma.$queryRaw<
    Array<{ total: bigint; negative: bigint; drifted: bigint; unbalanced: bigint; notTwo: bigint; badAfter: bigint }>
  >`
    SELECT
      (SELECT coalesce(sum(balance), 0) FROM credit_accounts) AS "total",
      (SELECT count(*) FROM credit_accounts WHERE kind = 'USER' AND balance < 0) AS "negative",
      (SELECT count(*) FROM credit_accounts a
         WHERE a.balance <> (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)) AS "drifted",
      (SELECT count(*) FROM (SELECT transfer_id FROM ledger_entries GROUP BY transfer_id HAVING sum(amount) <> 0) x) AS "unbalanced",
      (SELECT count(*) FROM transfers t WHERE (SELECT count(*) FROM ledger_entries e WHERE e.transfer_id = t.id) <> 2) AS "notTwo",
      (SELECT count(*) FROM (
         SELECT balance_after, sum(amount) OVER (PARTITION BY account_id ORDER BY id) AS running FROM ledger_entries) x
         WHERE balance_after <> running) AS "badAfter"`;
  return {
    total: Number(check!.total),
    negative: Number(check!.negative),
    drifted: Number(check!.drifted),
    unbalanced: Number(check!.unbalanced),
    notTwo: Number(check!.notTwo),
    badAfter: Number(check!.badAfter),
  };
}

/** Users made straight in the database (no password hashing, which would dominate these tests), with tokens from the server's own service. */
export async function usersWithTokens(t: TestApp, count: number, role: "USER" | "ADMIN" = "USER"): Promise<TestUser[]> {
  const handles = Array.from({ length: count }, () => unique("m"));
  const users = await t.app.database.prisma.user.createManyAndReturn({
    data: handles.map((handle) => ({ handle, email: `${handle}@example.com`, name: handle, passwordHash: "x", role })),
    select: { id: true, handle: true, email: true },
  });
  return Promise.all(
    users.map(async (user) => ({ ...user, id: Buffer.from(`User:${user.id}`).toString("base64"), password: "", token: await t.app.services.tokens.issue(user.id) })),
  );
}
