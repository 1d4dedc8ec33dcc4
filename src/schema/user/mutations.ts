import { builder } from "../../builder.js";
import { inWork } from "../mutation-work.js";
import { TEXT_LIMITS } from "../text.js";
import { updateProfile } from "./service.js";

/** A profile link, checked by validUrl (src/schema/user/service.ts). */
const PROFILE_URL = {
  description: "An absolute http(s) URL without a user name or password; the limit counts it percent-encoded.",
  extensions: { maxLength: TEXT_LIMITS.url },
} as const;

const UpdateProfileInput = builder.inputType("UpdateProfileInput", {
  description: "Only the fields given change; an empty string clears bio, avatarUrl or website.",
  fields: (t) => ({
    name: t.string({ extensions: { maxLength: TEXT_LIMITS.name } }),
    bio: t.string({ extensions: { maxLength: TEXT_LIMITS.bio } }),
    avatarUrl: t.string(PROFILE_URL),
    website: t.string(PROFILE_URL),
  }),
});

builder.mutationFields((t) => ({
  updateProfile: t.prismaField({
    type: "User",
    // It updates the viewer's row: its unit locks that row for update from the start (src/plugins/unit-of-work.ts).
    extensions: { updatesViewer: true },
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: (query, _root, { input }, ctx) => inWork(ctx, ({ tx, viewer }) => updateProfile(tx, viewer, input, query)),
  }),
}));
