import { builder } from "../../builder.js";
import { rootListResolver } from "../../read/lists.js";
import { PAGING_RULES } from "../../read/window.js";
import { lookupResolver } from "../../read/lookup.js";
import { TEXT_LIMITS } from "../text.js";
import { allUsers, signedInUser, userByHandle } from "./lists.js";
import { User, UserConnection } from "./types.js";

builder.queryFields((t) => ({
  viewer: t.field({
    type: User,
    nullable: true,
    description: "The signed-in user; null when signed out.",
    resolve: lookupResolver(signedInUser, User),
  }),
  user: t.field({
    type: User,
    nullable: true,
    description: "The user with this handle, ignoring case; null when there is none.",
    args: { handle: t.arg.string({ required: true, extensions: { maxLength: TEXT_LIMITS.handle } }) },
    resolve: lookupResolver(userByHandle, User),
  }),
  users: t.connection({
    type: User,
    description: `Oldest account first. \`search\` matches handle or name, ignoring case. ${PAGING_RULES}`,
    args: { search: t.arg.string({ extensions: { maxLength: TEXT_LIMITS.search } }) },
    resolve: rootListResolver(allUsers, User),
  }, UserConnection),
}));
