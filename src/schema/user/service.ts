import { recordAuditEvent } from "../../audit/record-audit-event.js";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { BadUserInputError } from "../../errors.js";
import { multiLineText, singleLineText, TEXT_LIMITS } from "../text.js";

type UserQuery = { include?: Prisma.UserInclude; select?: Prisma.UserSelect };

export interface UpdateProfileInput {
  name?: string | null;
  bio?: string | null;
  avatarUrl?: string | null;
  website?: string | null;
}


/** Sets the given fields of the viewer's profile (an empty string clears one), creating it on first use. */
export async function updateProfile(db: Db, viewer: Viewer, input: UpdateProfileInput, query: UserQuery = {}) {
  const profile: Prisma.ProfileUpdateInput = {};
  if (input.bio != null) {
    profile.bio = input.bio.trim() ? multiLineText(input.bio, "input.bio", "A bio", TEXT_LIMITS.bio) : null;
  }
  if (input.avatarUrl != null) profile.avatarUrl = validUrl(input.avatarUrl, "input.avatarUrl");
  if (input.website != null) profile.website = validUrl(input.website, "input.website");
  const data: Prisma.UserUpdateInput = {};
  if (input.name != null) data.name = validName(input.name, "input.name");
  if (Object.keys(profile).length > 0) {
    data.profile = {
      upsert: { create: profile as Prisma.ProfileCreateWithoutUserInput, update: profile },
    };
  }
  const user = await db.user.update({ ...query, where: { id: viewer.id }, data });
  await recordAuditEvent(db, {
    actorId: viewer.id,
    action: "user.updateProfile",
    entityType: "User",
    entityId: viewer.id,
    data: { fields: [...Object.keys(profile), ...(data.name ? ["name"] : [])] },
  });
  return user;
}

export function validName(raw: string, field: string): string {
  return singleLineText(raw, field, "A name", TEXT_LIMITS.name);
}

/**
 * A profile link as stored: an absolute http(s) URL in its normal form,
 * within the limit as stored (percent-encoding makes an `é` six
 * characters). Every reader of a profile sees it, so it may carry no user
 * name or password: they would be published, and
 * `https://bank.example@evil.example/` reads as the bank's.
 */
function validUrl(raw: string, field: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError("Must be an absolute http(s) URL.", field);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new BadUserInputError("Must be an absolute http(s) URL.", field);
  }
  if (url.username || url.password) throw new BadUserInputError("A URL may not carry a user name or password.", field);
  const stored = url.toString();
  if (stored.length > TEXT_LIMITS.url) throw new BadUserInputError(`A URL is at most ${TEXT_LIMITS.url} characters, percent-encoded.`, field);
  return stored;
}
