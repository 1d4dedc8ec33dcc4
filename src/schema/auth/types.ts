import { builder } from "../../builder.js";
import type { AuthResult } from "./service.js";

export const AuthPayload = builder.objectRef<AuthResult>("AuthPayload").implement({
  fields: (t) => ({
    // A credential: never stored, not even as an idempotent replay (src/plugins/unit-of-work.ts).
    token: t.exposeString("token", { description: "Send as `Authorization: Bearer <token>`.", extensions: { credential: true } }),
    user: t.prismaField({
      type: "User",
      description: "The signed-in user, with their own email.",
      resolve: (query, payload, _args, ctx) => ctx.reader.prisma.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
    }),
  }),
});
