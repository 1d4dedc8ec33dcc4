import { builder } from "../../builder.js";
import type { Context } from "../../context.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { UnauthenticatedError } from "../../errors.js";
import { topics } from "../../events/events.js";
import { liveStream, type Heard } from "../../events/live.js";
import { lookupResolver } from "../../read/lookup.js";
import { ledgerEntryOfViewer } from "./lists.js";
import { LedgerEntry } from "./types.js";

/** The viewer's balance as of one ledger entry (none before the first). */
interface BalanceState {
  readonly balance: number;
  readonly entryId: number | null;
}

const entryOfViewer = lookupResolver(ledgerEntryOfViewer, LedgerEntry);

const CreditsChanged = builder.objectRef<BalanceState>("CreditsChanged").implement({
  description: "The viewer's balance, and the ledger entry that made it so.",
  fields: (t) => ({
    balance: t.int({ resolve: (state) => state.balance }),
    sequence: t.int({
      description:
        "Grows with every change of this balance (0 before the first). A client that also gets balances elsewhere (a mutation's answer) keeps the one with the highest sequence.",
      resolve: (state) => state.entryId ?? 0,
    }),
    entry: t.field({
      type: LedgerEntry,
      nullable: true,
      description: "The entry this balance follows (its balanceAfter is this balance); null before the account's first entry.",
      resolve: (state, _args, ctx, info) => (state.entryId === null ? null : entryOfViewer(null, { id: state.entryId }, ctx, info)),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  creditsChanged: t.field({
    type: CreditsChanged,
    authScopes: { signedIn: true },
    description:
      "The viewer's own balance: the current one first, then one after every change, in order, none repeated. Ends with UNAUTHENTICATED when the token expires or the account is suspended.",
    subscribe: (_root, _args, ctx) => balances(ctx),
    resolve: (state) => state,
  }),
}));

/**
 * The stream behind creditsChanged: the balance and the account's newest
 * ledger entry, read together (one statement, one snapshot) at the start
 * and after each change heard. Entries of one account are written in id
 * order (transfers lock the account first), so a read that finds the entry
 * already delivered has nothing new.
 */
function balances(ctx: Context): Promise<AsyncIterable<BalanceState>> {
  const viewer = ctx.viewer;
  if (!viewer) throw new UnauthenticatedError();
  let delivered: number | null | undefined;
  const read = async (heard: Heard) => {
    const [found] = await ctx.reader.sql.query<BalanceState>(Prisma.sql`
      SELECT "a"."balance",
             (SELECT "e"."id" FROM "ledger_entries" AS "e" WHERE "e"."account_id" = "a"."id" ORDER BY "e"."id" DESC LIMIT 1) AS "entryId"
      FROM "credit_accounts" AS "a" WHERE "a"."user_id" = ${viewer.id}`);
    const state = found ?? { balance: 0, entryId: null };
    if (heard !== null && state.entryId === delivered) return { items: [] };
    delivered = state.entryId;
    return { items: [state] };
  };
  return liveStream(ctx, [topics.creditsOf(viewer.id)], read);
}
