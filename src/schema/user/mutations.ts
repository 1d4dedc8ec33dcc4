import { builder } from "../../builder.js";
import { requireViewer } from "../viewer.js";
import { updateProfile } from "./service.js";

const UpdateProfileInput = builder.inputType("UpdateProfileInput", {
  description: "Only the fields given change; an empty string clears bio, avatarUrl or website.",
  fields: (t) => ({
    name: t.string(),
    bio: t.string(),
    avatarUrl: t.string(),
    website: t.string(),
  }),
});

builder.mutationFields((t) => ({
  updateProfile: t.prismaField({
    type: "User",
    authScopes: { signedIn: true },
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => updateProfile(ctx.db, requireViewer(ctx), input, query),
  }),
}));
