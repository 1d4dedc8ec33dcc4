import { builder } from "../../builder.js";
import { databaseIdOf } from "../ids.js";
import { inWork } from "../mutation-work.js";
import { grantCredits, MAX_AMOUNT, MAX_NOTE_LENGTH, sendCredits } from "./service.js";

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

builder.mutationFields((t) => ({
  sendCredits: t.prismaField({
    type: "Transfer",
    description: `Sends credits from the viewer's account. INSUFFICIENT_CREDITS when the balance is short; NOT_FOUND for an unknown recipient. ${IDEMPOTENCY}`,
    args: { input: t.arg({ type: SendCreditsInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => inWork(ctx, async (work) => {
      const { tx } = work;
      const toUserId = databaseIdOf(String(input.toUserId), "User", "input.toUserId");
      const { id } = await sendCredits(work, { toUserId, amount: input.amount, note: input.note });
      return tx.transfer.findUniqueOrThrow({ ...query, where: { id } });
    }),
  }),
  grantCredits: t.prismaField({
    type: "Transfer",
    description: `Admins only: mints credits from the system account. ${IDEMPOTENCY}`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: GrantCreditsInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => inWork(ctx, async (work) => {
      const { tx } = work;
      const toUserId = databaseIdOf(String(input.toUserId), "User", "input.toUserId");
      const { id } = await grantCredits(work, { toUserId, amount: input.amount, note: input.note });
      return tx.transfer.findUniqueOrThrow({ ...query, where: { id } });
    }),
  }),
}));
