import { builder } from "../../builder.js";
import { rootListResolver } from "../../paging/paged-connection.js";
import { PAGING_RULES } from "../../paging/window.js";
import { allUsers } from "./lists.js";
import { User, UserConnection } from "./types.js";

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
  users: t.connection({
    type: User,
    description: `Oldest account first. \`search\` matches handle or name, ignoring case. ${PAGING_RULES}`,
    args: { search: t.arg.string() },
    resolve: rootListResolver(allUsers, "User"),
  }, UserConnection),
}));
