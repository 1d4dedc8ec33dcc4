import { Prisma } from "../../db/generated/prisma/client.js";
import { sortKey } from "../../read/keyset.js";
import type { RowSource } from "../../read/lookup.js";
import type { PageSource } from "../../read/page-query.js";
import { visibleTransferSql } from "./access.js";

const ID_DESC = [sortKey(Prisma.raw('"x"."id"'), "desc", "int")] as const;

/**
 * An account's ledger entries, newest first, through
 * ledger_entries_account_id_id_idx. Only the account's owner (or an admin)
 * reaches an account at all (User.credits), so no visibility rule is needed.
 */
export const entriesOfAccount: PageSource = {
  model: "LedgerEntry",
  scope: (_args, parent) => `CreditAccount.entries|${parent}`,
  order: () => ID_DESC,
  branches: ({ parent }) => [{ from: Prisma.sql`"ledger_entries" AS "x"`, where: [Prisma.sql`"x"."account_id" = ${parent!}`] }],
};

/** One ledger entry of the viewer's own account, by id; nothing for anyone else's, or when signed out. */
export const ledgerEntryOfViewer: RowSource<{ id: number }> = {
  model: "LedgerEntry",
  find: ({ viewer, args }) =>
    viewer
      ? {
          from: Prisma.sql`"ledger_entries" AS "x"`,
          where: [Prisma.sql`"x"."id" = ${args.id}`, Prisma.sql`"x"."account_id" = (SELECT "id" FROM "credit_accounts" WHERE "user_id" = ${viewer.id})`],
        }
      : null,
};

/** A transfer by id, when the viewer may see one of its accounts (a payload read back in its unit of work). */
export const transferById: RowSource<{ id: number }> = {
  model: "Transfer",
  find: ({ viewer, args }) => ({
    from: Prisma.sql`"transfers" AS "x"`,
    where: [Prisma.sql`"x"."id" = ${args.id}`, visibleTransferSql(viewer, "x")],
  }),
};
