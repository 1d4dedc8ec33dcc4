import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import type { TestUser } from "../support/fixtures.js";
import { useTestApp, type TestApp } from "../support/test-app.js";
import { GRANT, ledgerInvariants, SEND, usersWithTokens } from "./support.js";

/**
 * Model-based: random sequences of grants, sends, overdrafts, zero and
 * negative amounts, self-transfers and unknown recipients, run through the
 * API and against a model that is a map of balances. After every step the
 * API's answer is the model's, each balance is the model's, and the
 * ledger's invariants hold.
 */
const PEOPLE = 4;
const NOBODY = -1;

interface Model {
  balances: number[];
}
interface Real {
  t: TestApp;
  admin: TestUser;
  people: TestUser[];
}

const globalUserId = (id: number) => Buffer.from(`User:${id}`).toString("base64");
const recipient = (real: Real, index: number) => (index === NOBODY ? globalUserId(2_000_000_000) : real.people[index]!.id);

function expectedCode(model: Model, from: number | null, to: number, amount: number): string | null {
  if (from !== null && from === to) return "BAD_USER_INPUT";
  if (!Number.isInteger(amount) || amount < 1 || amount > 1_000_000) return "BAD_USER_INPUT";
  if (to === NOBODY) return "NOT_FOUND";
  if (from !== null && model.balances[from]! < amount) return "INSUFFICIENT_CREDITS";
  return null;
}

async function check(model: Model, real: Real, response: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }, code: string | null) {
  expect(response.body.errors?.[0]?.extensions?.code ?? null).toBe(code);
  const rows = await real.t.app.database.prisma.creditAccount.findMany({
    where: { user: { handle: { in: real.people.map((person) => person.handle) } } },
    select: { balance: true, user: { select: { handle: true } } },
  });
  const byHandle = new Map(rows.map((row) => [row.user!.handle, row.balance]));
  expect(real.people.map((person) => byHandle.get(person.handle))).toEqual(model.balances);
  expect(await ledgerInvariants(real.t)).toMatchObject({ negative: 0, drifted: 0, unbalanced: 0, notTwo: 0, badAfter: 0 });
}

class Grant implements fc.AsyncCommand<Model, Real> {
  constructor(readonly to: number, readonly amount: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const code = expectedCode(model, null, this.to, this.amount);
    const response = await real.t.graphql(GRANT, { token: real.admin.token, variables: { input: { toUserId: recipient(real, this.to), amount: this.amount } } });
    if (code === null) model.balances[this.to]! += this.amount;
    await check(model, real, response, code);
  }
  toString = () => `grant(${this.to}, ${this.amount})`;
}

class Send implements fc.AsyncCommand<Model, Real> {
  constructor(readonly from: number, readonly to: number, readonly amount: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const code = expectedCode(model, this.from, this.to, this.amount);
    const response = await real.t.graphql(SEND, {
      token: real.people[this.from]!.token,
      variables: { input: { toUserId: recipient(real, this.to), amount: this.amount } },
    });
    if (code === null) {
      model.balances[this.from]! -= this.amount;
      model.balances[this.to]! += this.amount;
    }
    await check(model, real, response, code);
  }
  toString = () => `send(${this.from} -> ${this.to}, ${this.amount})`;
}

const person = fc.integer({ min: 0, max: PEOPLE - 1 });
const amount = fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constantFrom(0, -1, -50, 1_000_001), fc.integer({ min: 61, max: 500 }));
const commands = [
  fc.tuple(fc.oneof(person, fc.constant(NOBODY)), amount).map(([to, n]) => new Grant(to, n)),
  fc.tuple(person, fc.oneof({ weight: 5, arbitrary: person }, { weight: 1, arbitrary: fc.constant(NOBODY) }), amount).map(([from, to, n]) => new Send(from, to, n)),
];

describe.each(testDatabaseKinds)("the ledger against a model on %s", (kind) => {
  const app = useTestApp(kind);

  test.prop([fc.commands(commands, { maxCommands: 25 })], { numRuns: Number(process.env.LEDGER_RUNS ?? 15) })(
    "answers and balances as the model says, and keeps every invariant after every step",
    async (cmds) => {
      const t = app.current;
      const [admin] = await usersWithTokens(t, 1, "ADMIN");
      const people = await usersWithTokens(t, PEOPLE);
      await fc.asyncModelRun(() => ({ model: { balances: people.map(() => 0) }, real: { t, admin: admin!, people } }), cmds);
    },
    120_000,
  );
});
