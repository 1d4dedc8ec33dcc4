import { builder } from "../../builder.js";
import { nestedListField } from "../../read/lists.js";
import { PAGING_RULES } from "../../read/window.js";
import { User } from "../user/types.js";
import { canSeeAccountOf } from "./access.js";
import { entriesOfAccount } from "./lists.js";


export const Transfer = builder.prismaNode("Transfer", {
  id: { field: "id" },
  // The parties' user ids decide who may see it (src/schema/node-visibility.ts).
  select: { id: true, amount: true, note: true, from: { select: { userId: true } }, to: { select: { userId: true } } },
  nullable: true,
  fields: (t) => ({
    from: t.field({
      type: User,
      nullable: true,
      description: "Who sent the credits; null for a grant, which comes from the system account.",
      select: (_args, _ctx, nestedSelection) => ({ from: { select: { user: nestedSelection(true) } } }),
      resolve: (transfer) => transfer.from.user,
    }),
    to: t.field({
      type: User,
      select: (_args, _ctx, nestedSelection) => ({ to: { select: { user: nestedSelection(true) } } }),
      resolve: (transfer) => transfer.to.user!,
    }),
    amount: t.int({ resolve: (transfer) => transfer.amount }),
    note: t.string({ nullable: true, resolve: (transfer) => transfer.note }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const LedgerEntry = builder.prismaNode("LedgerEntry", {
  id: { field: "id" },
  select: { id: true, amount: true, balanceAfter: true, account: { select: { userId: true } } },
  nullable: true,
  description: "One side of a transfer: negative for credits that left the account. Entries never change.",
  fields: (t) => ({
    amount: t.int({ resolve: (entry) => entry.amount }),
    balanceAfter: t.int({ description: "The account's balance just after this entry.", resolve: (entry) => entry.balanceAfter }),
    transfer: t.relation("transfer"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const LedgerEntryConnection = builder.connectionObject(
  { type: LedgerEntry, name: "LedgerEntryConnection" },
  { name: "LedgerEntryEdge" },
);

export const CreditAccount = builder.prismaObject("CreditAccount", {
  select: { id: true, balance: true },
  description: "A user's credits. Its balance always equals the sum of its entries.",
  fields: (t) => ({
    balance: t.int({ resolve: (account) => account.balance }),
    entries: t.connection(
      { type: LedgerEntry, description: `Newest first. ${PAGING_RULES}`, ...nestedListField(entriesOfAccount, LedgerEntry) },
      LedgerEntryConnection,
    ),
  }),
});

builder.prismaObjectFields(User, (t) => ({
  credits: t.field({
    type: CreditAccount,
    nullable: true,
    description: "The viewer's own credits (an admin sees anyone's); null for everyone else.",
    select: (_args, _ctx, nestedSelection) => ({ creditAccount: nestedSelection(true) }),
    resolve: (user, _args, ctx) => (canSeeAccountOf(ctx.viewer, user.id) ? user.creditAccount : null),
  }),
}));
