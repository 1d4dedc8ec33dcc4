import type { MutationWork } from "../mutation-work.js";
import { auditEventInsert } from "../../audit/record-audit-event.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError, InsufficientCreditsError, NotFoundError } from "../../errors.js";
import { singleLineText } from "../text.js";

/** Amounts are whole credits, from 1 to this. */
export const MAX_AMOUNT = 1_000_000;
export const MAX_NOTE_LENGTH = 280;

/**
 * The most credits there can be: what a balance, a 32-bit integer in the
 * database and in GraphQL, holds. Every balance is a part of what admins
 * have granted, so with the grants capped here no balance, and no ledger
 * entry's balance after it, can overflow (an overflow had reached the client
 * as an internal error).
 */
export const MAX_SUPPLY = 2_147_483_647;

export interface TransferInput {
  toUserId: number;
  amount: number;
  note?: string | null;
}

function validTransfer(input: TransferInput): { amount: number; note: string | null } {
  if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > MAX_AMOUNT) {
    throw new BadUserInputError(`An amount is a whole number of credits from 1 to ${MAX_AMOUNT}.`, "input.amount");
  }
  const note = input.note == null || input.note.trim() === "" ? null : singleLineText(input.note, "input.note", "A note", MAX_NOTE_LENGTH);
  return { amount: input.amount, note };
}

/** The viewer sends credits from their own account. */
export async function sendCredits({ sql, viewer, announce }: MutationWork, input: TransferInput): Promise<{ id: number }> {
  if (input.toUserId === viewer.id) throw new BadUserInputError("You cannot send credits to yourself.", "input.toUserId");
  const { amount, note } = validTransfer(input);
  return transfer({ sql, announce }, { kind: "SEND", fromUserId: viewer.id, toUserId: input.toUserId, amount, note, actorId: viewer.id });
}

/** An admin mints credits from the system account. */
export async function grantCredits({ sql, viewer: admin, announce }: MutationWork, input: TransferInput): Promise<{ id: number }> {
  const { amount, note } = validTransfer(input);
  return transfer({ sql, announce }, { kind: "GRANT", fromUserId: null, toUserId: input.toUserId, amount, note, actorId: admin.id });
}

/**
 * Moves `amount` between two accounts inside the caller's transaction, in
 * one statement, so the accounts stay locked only from this statement to
 * COMMIT:
 * 1. it locks both accounts, always in the order of their ids
 *    (`FOR UPDATE`), so two opposite transfers wait for each other instead
 *    of deadlocking;
 * 2. it debits the sender only where the row it updates still has the
 *    amount: the test is in the UPDATE's own WHERE, which PostgreSQL
 *    evaluates on the newest version of the row it writes. A test on the
 *    balance the locking step returned is not enough: under concurrent
 *    transfers that value was seen to be older than the row the UPDATE then
 *    changed, and the CHECK constraint fired instead (23514, an internal
 *    error for the client; test/credits/overdraft-race.test.ts). The system
 *    account, the source of grants, goes below zero, down to -MAX_SUPPLY,
 *    by the same test in the same place; the CHECK constraint stays the
 *    backstop for user accounts;
 * 3. only after a debit does it credit the recipient, record the transfer,
 *    write the two ledger entries (summing to 0, each with the balance after
 *    it, from the UPDATEs' RETURNING) and the audit event.
 * `fromUserId: null` is the system account (a grant). Both users hear of
 * their new balance once the unit of work commits (creditsChanged).
 */
export async function transfer(
  { sql, announce }: Pick<MutationWork, "sql" | "announce">,
  request: { kind: "SEND" | "GRANT"; fromUserId: number | null; toUserId: number; amount: number; note: string | null; actorId: number },
): Promise<{ id: number }> {
  const { kind, fromUserId, toUserId, amount, note } = request;
  const isSource = fromUserId === null ? Prisma.sql`"kind" = 'SYSTEM'` : Prisma.sql`"user_id" = ${fromUserId}`;
  // The lowest balance the source may have before the debit: a user's holds the amount; the system's stays within the supply.
  const lowestBefore = fromUserId === null ? amount - MAX_SUPPLY : amount;
  const action = kind === "SEND" ? "credits.send" : "credits.grant";
  const audit = auditEventInsert({ actorId: request.actorId, action, entityType: "Transfer", data: { toUserId, amount } }, Prisma.sql`"t"."id"`, Prisma.sql`FROM "t"`);
  const [outcome] = await sql.query<{ sourceFound: boolean; recipientFound: boolean; transferId: number | null }>(Prisma.sql`
    WITH "locked" AS (
      SELECT "id", "user_id", "kind" FROM "credit_accounts"
      WHERE ${isSource} OR "user_id" = ${toUserId}
      ORDER BY "id" FOR UPDATE
    ), "src" AS (
      SELECT "id" FROM "locked" WHERE ${isSource}
    ), "dst" AS (
      SELECT "id" FROM "locked" WHERE "user_id" = ${toUserId}
    ), "f" AS (
      UPDATE "credit_accounts" AS "c" SET "balance" = "c"."balance" - ${amount}
      FROM "src", "dst"
      WHERE "c"."id" = "src"."id" AND "c"."balance" >= ${lowestBefore}
      RETURNING "c"."id", "c"."balance"
    ), "r" AS (
      UPDATE "credit_accounts" AS "c" SET "balance" = "c"."balance" + ${amount}
      FROM "f", "dst" WHERE "c"."id" = "dst"."id"
      RETURNING "c"."id", "c"."balance"
    ), "t" AS (
      INSERT INTO "transfers" ("kind", "from_account_id", "to_account_id", "amount", "note")
      SELECT ${kind}::"TransferKind", "f"."id", "r"."id", ${amount}, ${note} FROM "f", "r"
      RETURNING "id", "created_at"
    ), "e" AS (
      INSERT INTO "ledger_entries" ("account_id", "transfer_id", "amount", "balance_after", "created_at")
      SELECT "f"."id", "t"."id", ${-amount}::int, "f"."balance", "t"."created_at" FROM "t", "f"
      UNION ALL
      SELECT "r"."id", "t"."id", ${amount}::int, "r"."balance", "t"."created_at" FROM "t", "r"
    ), "a" AS (
      ${audit}
    )
    SELECT EXISTS (SELECT 1 FROM "src") AS "sourceFound",
           EXISTS (SELECT 1 FROM "dst") AS "recipientFound",
           (SELECT "id" FROM "t") AS "transferId"`);
  if (!outcome?.recipientFound) throw new NotFoundError("The recipient");
  if (!outcome.sourceFound) throw new Error(`no credit account for user ${fromUserId}`);
  if (outcome.transferId === null) {
    // The sender's row is locked by this transaction now, so this is the balance the debit was refused on.
    const [sender] = await sql.query<{ balance: number }>(Prisma.sql`SELECT "balance" FROM "credit_accounts" WHERE ${isSource}`);
    if (fromUserId === null) {
      throw new BadUserInputError(`Credits are capped at ${MAX_SUPPLY} in all; at most ${MAX_SUPPLY + (sender?.balance ?? 0)} more can be granted.`, "input.amount");
    }
    throw new InsufficientCreditsError(sender?.balance ?? 0, amount);
  }
  for (const userId of fromUserId === null ? [toUserId] : [fromUserId, toUserId]) announce({ kind: "creditsChanged", userId });
  return { id: outcome.transferId };
}
