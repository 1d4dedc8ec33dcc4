import { builder } from "../../builder.js";
import { NotFoundError } from "../../errors.js";
import { readRow } from "../../read/lookup.js";
import { databaseIdOf } from "../ids.js";
import { inWork } from "../mutation-work.js";
import { transferById } from "./lists.js";
import { grantCredits, MAX_AMOUNT, MAX_NOTE_LENGTH, MAX_SUPPLY, sendCredits } from "./service.js";
import { Transfer } from "./types.js";

const transferFields = (description: string) =>
  builder.inputType(description, {
    fields: (t) => ({
      toUserId: t.id({ required: true, description: "The recipient (a User id)." }),
      amount: t.int({ required: true, description: `Whole credits, from 1 to ${MAX_AMOUNT}.` }),
      note: t.string({ extensions: { maxLength: MAX_NOTE_LENGTH } }),
    }),
  });

const SendCreditsInput = transferFields("SendCreditsInput");
const GrantCreditsInput = transferFields("GrantCreditsInput");

const IDEMPOTENCY = "Send an `Idempotency-Key` header to make a retry safe: the same key replays the first answer for 24 hours.";

// Each payload is read back through the unit's transaction, with what the document asks of it, in one statement.
builder.mutationFields((t) => ({
  sendCredits: t.field({
    type: Transfer,
    nullable: false,
    description: `Sends credits from the viewer's account. INSUFFICIENT_CREDITS when the balance is short; NOT_FOUND for an unknown recipient. ${IDEMPOTENCY}`,
    args: { input: t.arg({ type: SendCreditsInput, required: true }) },
    resolve: (_root, { input }, ctx, info) =>
      inWork(ctx, async (work) => {
        const toUserId = databaseIdOf(String(input.toUserId), "User", "input.toUserId");
        const { id } = await sendCredits(work, { toUserId, amount: input.amount, note: input.note });
        return (await readRow(transferById, Transfer, { id }, ctx, info)) ?? Promise.reject(new NotFoundError("Transfer"));
      }),
  }),
  grantCredits: t.field({
    type: Transfer,
    nullable: false,
    description: `Admins only: mints credits from the system account, at most ${MAX_SUPPLY} in all (BAD_USER_INPUT past it, saying how many more can be). ${IDEMPOTENCY}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: GrantCreditsInput, required: true }) },
    resolve: (_root, { input }, ctx, info) =>
      inWork(ctx, async (work) => {
        const toUserId = databaseIdOf(String(input.toUserId), "User", "input.toUserId");
        const { id } = await grantCredits(work, { toUserId, amount: input.amount, note: input.note });
        return (await readRow(transferById, Transfer, { id }, ctx, info)) ?? Promise.reject(new NotFoundError("Transfer"));
      }),
  }),
}));
