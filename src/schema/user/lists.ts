import { Prisma } from "../../db/generated/prisma/client.js";
import { plannedPerExecution } from "../../db/statement-names.js";
import { containsPattern } from "../../read/values.js";
import { sortKey } from "../../read/keyset.js";
import type { RowSource } from "../../read/lookup.js";
import type { PageSource } from "../../read/page-query.js";
import { handleAsStored } from "../text.js";

export interface UsersArgs {
  search?: string | null;
}

const ID_ASC = [sortKey(Prisma.raw('"x"."id"'), "asc", "int")] as const;

/** Every account, oldest first (the primary key's order); `search` matches handle or name, ignoring case. */
export const allUsers: PageSource<UsersArgs> = {
  model: "User",
  scope: (args) => `Query.users|${args.search?.trim() ?? ""}`,
  order: () => ID_ASC,
  branches: ({ args }) => {
    const search = args.search?.trim();
    const where: Prisma.Sql[] = [];
    if (search) {
      const pattern = containsPattern(search);
      // Through users_handle_trgm_idx and users_name_trgm_idx when the pattern is rare, the primary key when it is common.
      where.push(plannedPerExecution(Prisma.sql`("x"."handle" ILIKE ${pattern} OR "x"."name" ILIKE ${pattern})`));
    }
    return [{ from: Prisma.sql`"users" AS "x"`, where }];
  },
};

/** A user by handle, ignoring case as every handle is stored lower-case (users_handle_key). */
export const userByHandle: RowSource<{ handle: string }> = {
  model: "User",
  find: ({ args }) => ({ from: Prisma.sql`"users" AS "x"`, where: [Prisma.sql`"x"."handle" = ${handleAsStored(args.handle)}`] }),
};

/** The signed-in user; nothing when signed out. */
export const signedInUser: RowSource<Record<never, never>> = {
  model: "User",
  find: ({ viewer }) => (viewer ? { from: Prisma.sql`"users" AS "x"`, where: [Prisma.sql`"x"."id" = ${viewer.id}`] } : null),
};
