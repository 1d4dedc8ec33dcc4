import { builder } from "../../builder.js";
import type { AuthResult } from "./service.js";

export const AuthPayload = builder.objectRef<AuthResult>("AuthPayload").implement({
  fields: (t) => ({
    token: t.exposeString("token", { description: "Send as `Authorization: Bearer <token>`." }),
    user: t.prismaField({
      type: "User",
      resolve: (query, payload, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
    }),
  }),
});
