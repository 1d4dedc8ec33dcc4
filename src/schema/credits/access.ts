import type { Viewer } from "../../auth/tokens.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../read/model.js";

/**
 * The credits domain's access rule, written once: money is private. An
 * account, its ledger and its transfers are seen by the account's owner and
 * by admins only. `accountVisibility` is the decision; the check of a row
 * in memory and the SQL condition are both derived from it here.
 */
export type AccountVisibility =
  | { readonly sees: "every account" }
  | { readonly sees: "their own"; readonly userId: number }
  | { readonly sees: "no account" };

export function accountVisibility(viewer: Viewer | null): AccountVisibility {
  if (!viewer) return { sees: "no account" };
  return viewer.role === "ADMIN" ? { sees: "every account" } : { sees: "their own", userId: viewer.id };
}

/** The rule for the account of `userId` (null: the system account, which no user owns). */
export function canSeeAccountOf(viewer: Viewer | null, userId: number | null): boolean {
  const rule = accountVisibility(viewer);
  return rule.sees === "every account" || (rule.sees === "their own" && rule.userId === userId);
}

/** The rule as SQL, for the transfer `alias` of a row source: the viewer may see either of its accounts. */
export function visibleTransferSql(viewer: Viewer | null, alias: string): Prisma.Sql {
  const rule = accountVisibility(viewer);
  switch (rule.sees) {
    case "every account":
      return Prisma.sql`TRUE`;
    case "no account":
      return Prisma.sql`FALSE`;
    case "their own":
      return Prisma.sql`EXISTS (SELECT 1 FROM "credit_accounts" AS "a" WHERE "a"."user_id" = ${rule.userId}
        AND "a"."id" IN (${columnRef(alias, "from_account_id")}, ${columnRef(alias, "to_account_id")}))`;
  }
}
