import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { recordAuditEvent } from "../../audit/record-audit-event.js";
import { BadUserInputError, InsufficientCreditsError, NotFoundError } from "../../errors.js";
import { singleLineText } from "../text.js";

/** Amounts are whole credits, from 1 to this. */
export const MAX_AMOUNT = 1_000_000;
export const MAX_NOTE_LENGTH = 280;

export interface TransferInput {
  toUserId: number;
  amount: number;
  note?: string | null;
}

interface LockedAccount {
  id: number;
  userId: number | null;
  kind: "USER" | "SYSTEM";
  balance: number;
}

function validTransfer(input: TransferInput): { amount: number; note: string | null } {
  if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > MAX_AMOUNT) {
    throw new BadUserInputError(`An amount is a whole number of credits from 1 to ${MAX_AMOUNT}.`, "input.amount");
  }
  const note = input.note == null || input.note.trim() === "" ? null : singleLineText(input.note, "input.note", "A note", MAX_NOTE_LENGTH);
  return { amount: input.amount, note };
}

/** The viewer sends credits from their own account. */
export async function sendCredits(db: Db, viewer: Viewer, input: TransferInput): Promise<{ id: number }> {
  if (input.toUserId === viewer.id) throw new BadUserInputError("You cannot send credits to yourself.", "input.toUserId");
  const { amount, note } = validTransfer(input);
  return transfer(db, { kind: "SEND", fromUserId: viewer.id, toUserId: input.toUserId, amount, note, actorId: viewer.id });
}

/** An admin mints credits from the system account. */
export async function grantCredits(db: Db, admin: Viewer, input: TransferInput): Promise<{ id: number }> {
  const { amount, note } = validTransfer(input);
  return transfer(db, { kind: "GRANT", fromUserId: null, toUserId: input.toUserId, amount, note, actorId: admin.id });
}

/**
 * Moves `amount` between two accounts inside the caller's transaction:
 * 1. locks both accounts, always in the order of their ids (`FOR UPDATE`),
 *    so two opposite transfers wait for each other instead of deadlocking;
 * 2. checks the sender's balance (the CHECK constraint is the backstop);
 * 3. in one statement, records the transfer, moves the balances and writes
 *    the two ledger entries (summing to 0), each with the balance after it.
 * Two round trips, whatever the accounts. `fromUserId: null` is the system
 * account (a grant), which may go below zero.
 */
export async function transfer(
  db: Db,
  request: { kind: "SEND" | "GRANT"; fromUserId: number | null; toUserId: number; amount: number; note: string | null; actorId: number },
): Promise<{ id: number }> {
  const { kind, fromUserId, toUserId, amount, note } = request;
  const fromCondition = fromUserId === null ? Prisma.sql`"kind" = 'SYSTEM'` : Prisma.sql`"user_id" = ${fromUserId}`;
  const accounts = await db.$queryRaw<LockedAccount[]>`
    SELECT "id", "user_id" AS "userId", "kind"::text AS "kind", "balance" FROM "credit_accounts"
    WHERE ${fromCondition} OR "user_id" = ${toUserId}
    ORDER BY "id" FOR UPDATE`;
  const from = accounts.find((account) => (fromUserId === null ? account.kind === "SYSTEM" : account.userId === fromUserId));
  const to = accounts.find((account) => account.userId === toUserId);
  if (!to) throw new NotFoundError("The recipient");
  if (!from) throw new Error(`no credit account for user ${fromUserId}`);
  if (from.kind === "USER" && from.balance < amount) throw new InsufficientCreditsError(from.balance, amount);

  const [moved] = await db.$queryRaw<{ transferId: number }[]>`
    WITH "t" AS (
      INSERT INTO "transfers" ("kind", "from_account_id", "to_account_id", "amount", "note")
      VALUES (${kind}::"TransferKind", ${from.id}, ${to.id}, ${amount}, ${note})
      RETURNING "id", "created_at"
    ), "f" AS (
      UPDATE "credit_accounts" SET "balance" = "balance" - ${amount} WHERE "id" = ${from.id} RETURNING "balance"
    ), "r" AS (
      UPDATE "credit_accounts" SET "balance" = "balance" + ${amount} WHERE "id" = ${to.id} RETURNING "balance"
    )
    INSERT INTO "ledger_entries" ("account_id", "transfer_id", "amount", "balance_after", "created_at")
    SELECT ${from.id}::int, "t"."id", ${-amount}::int, "f"."balance", "t"."created_at" FROM "t", "f"
    UNION ALL
    SELECT ${to.id}::int, "t"."id", ${amount}::int, "r"."balance", "t"."created_at" FROM "t", "r"
    RETURNING "transfer_id" AS "transferId"`;
  const id = moved!.transferId;
  await recordAuditEvent(db, {
    actorId: request.actorId,
    action: kind === "SEND" ? "credits.send" : "credits.grant",
    entityType: "Transfer",
    entityId: id,
    data: { toUserId, amount },
  });
  return { id };
}
