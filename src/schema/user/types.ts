import { builder } from "../../builder.js";

export const Profile = builder.prismaObject("Profile", {
  fields: (t) => ({
    bio: t.exposeString("bio", { nullable: true }),
    avatarUrl: t.exposeString("avatarUrl", { nullable: true }),
    website: t.exposeString("website", { nullable: true }),
  }),
});

export const User = builder.prismaNode("User", {
  id: { field: "id" },
  // Select mode: a user row is loaded with only the columns its requested
  // fields need, so the password hash is never read for an author line.
  select: { id: true },
  fields: (t) => ({
    handle: t.exposeString("handle"),
    name: t.exposeString("name"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    email: t.string({
      nullable: true,
      description: "Only the viewer's own; null for everyone else.",
      select: { email: true },
      resolve: (user, _args, ctx) => (ctx.viewer?.id === user.id ? user.email : null),
    }),
    profile: t.relation("profile", { nullable: true }),
    postCount: t.int({
      description: "Posts the viewer can see.",
      resolve: (user, _args, ctx) => ctx.loaders.postCountByAuthor.load(user.id),
    }),
  }),
});

export const UserConnection = builder.connectionObject({ type: User, name: "UserConnection" }, { name: "UserEdge" });
