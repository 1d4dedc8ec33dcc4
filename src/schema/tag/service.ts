import { BadUserInputError } from "../../errors.js";
import { TEXT_LIMITS } from "../text.js";

const TAG_NAME = new RegExp(`^[a-z0-9][a-z0-9-]{0,${TEXT_LIMITS.tag - 1}}$`);

/** A tag name as stored: trimmed and lower-case. */
export function normalizeTagName(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Tag names as stored: trimmed, lower-case, unique, at most ten. */
export function normalizeTagNames(raw: readonly string[], field: string): string[] {
  const names = [...new Set(raw.map(normalizeTagName))];
  if (names.length > TEXT_LIMITS.tagsPerPost) throw new BadUserInputError(`A post has at most ${TEXT_LIMITS.tagsPerPost} tags.`, field);
  const invalid = names.find((name) => !TAG_NAME.test(name));
  if (invalid !== undefined) {
    throw new BadUserInputError(
      `"${invalid}" is not a valid tag: use 1 to 32 letters, digits or dashes, starting with a letter or digit.`,
      field,
    );
  }
  return names;
}
