import { builder } from "../../builder.js";
import { visiblePostCountOfAuthor } from "../post/access.js";
import { canSeeSuspensions, isOwnAccount } from "./access.js";

export const Profile = builder.prismaObject("Profile", {
  fields: (t) => ({
    bio: t.exposeString("bio", { nullable: true }),
    avatarUrl: t.exposeString("avatarUrl", { nullable: true }),
    website: t.exposeString("website", { nullable: true }),
  }),
});

export const User = builder.prismaNode("User", {
  id: { field: "id" },
  // Select mode, so the password hash is never read; the small public
  // columns are always there and their fields read the row directly (see Post).
  select: { id: true, handle: true, name: true },
  fields: (t) => ({
    handle: t.string({ resolve: (user) => user.handle }),
    name: t.string({ resolve: (user) => user.name }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    email: t.string({
      nullable: true,
      description: "Only the viewer's own (and the signed-in user's in signUp and logIn); null for everyone else.",
      select: { email: true },
      resolve: (user, _args, ctx) => (isOwnAccount(ctx, user.id) ? user.email : null),
    }),
    suspendedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When an admin suspended the account (suspendUsers); null when it is not suspended, and for everyone but admins.",
      select: { suspendedAt: true },
      resolve: (user, _args, ctx) => (canSeeSuspensions(ctx.viewer) ? user.suspendedAt : null),
    }),
    profile: t.relation("profile", { nullable: true }),
    postCount: t.int({
      description: "Posts the viewer can see.",
      // The author's counts by status, kept by triggers: one row, however many posts.
      select: { postCounts: { select: { published: true, drafts: true } } },
      resolve: (user, _args, ctx) => visiblePostCountOfAuthor(ctx.viewer, user.id, user.postCounts),
    }),
  }),
});

export const UserConnection = builder.connectionObject({ type: User, name: "UserConnection" }, { name: "UserEdge" });
