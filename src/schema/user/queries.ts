import { builder } from "../../builder.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { keysetPage, pageSizeFor } from "../../paging.js";
import { UserConnection } from "./types.js";

function userSearch(search: string | null | undefined): Prisma.UserWhereInput {
  const term = search?.trim();
  if (!term) return {};
  return { OR: [{ handle: { contains: term, mode: "insensitive" } }, { name: { contains: term, mode: "insensitive" } }] };
}

builder.queryFields((t) => ({
  viewer: t.prismaField({
    type: "User",
    nullable: true,
    description: "The signed-in user; null when signed out.",
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer ? ctx.db.user.findUnique({ ...query, where: { id: ctx.viewer.id } }) : null,
  }),
  user: t.prismaField({
    type: "User",
    nullable: true,
    args: { handle: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.user.findUnique({ ...query, where: { handle: args.handle } }),
  }),
  users: t.prismaConnection({
    type: "User",
    cursor: "id",
    maxSize: pageSizeFor,
    description: "Oldest account first. `search` matches handle or name, ignoring case.",
    args: { search: t.arg.string() },
    resolve: (query, _root, args, ctx) => {
      const { page, where, orderBy } = keysetPage(query, [["id", "asc"]], query.cursor?.id ? { id: query.cursor.id } : null);
      return ctx.db.user.findMany({ ...page, where: { AND: [userSearch(args.search), where] }, orderBy });
    },
  }, UserConnection),
}));
