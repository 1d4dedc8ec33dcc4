import { BadUserInputError } from "../errors.js";

/**
 * The limits of every text a client writes, stated once: the schema
 * declares them (and prints them in its descriptions), the services enforce
 * them.
 */
export const TEXT_LIMITS = {
  email: 254,
  password: 256,
  handle: 30,
  name: 100,
  title: 200,
  postBody: 100_000,
  commentBody: 10_000,
  bio: 2_000,
  url: 2_000,
  tag: 32,
  tagsPerPost: 10,
  search: 100,
  slug: 200,
} as const;

// At least one letter, digit, punctuation mark or symbol: text of only spaces,
// zero-width or other format characters, or control characters shows nothing.
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
const CONTROL = /\p{Cc}/u;
// Control characters a paragraph may hold: tab, line feed, carriage return.
const CONTROL_EXCEPT_LINES = /[^\P{Cc}\t\n\r]/u;

/** One line of visible text (a title, a name): NFC, trimmed, no control characters, at most `max`. */
export function singleLineText(raw: string, field: string, what: string, max: number): string {
  const text = raw.normalize("NFC").trim();
  if (!VISIBLE.test(text)) throw new BadUserInputError(`${what} must contain visible text.`, field);
  if (CONTROL.test(text)) throw new BadUserInputError(`${what} must be one line without control characters.`, field);
  if (text.length > max) throw new BadUserInputError(`${what} is at most ${max} characters.`, field);
  return text;
}

/** Paragraphs of visible text (a body, a bio): NFC, no control characters but tabs and line breaks, at most `max`. */
export function multiLineText(raw: string, field: string, what: string, max: number, { trim = true } = {}): string {
  const normalized = raw.normalize("NFC");
  const text = trim ? normalized.trim() : normalized;
  if (!VISIBLE.test(text)) throw new BadUserInputError(`${what} must contain visible text.`, field);
  if (CONTROL_EXCEPT_LINES.test(text)) throw new BadUserInputError(`${what} must not contain control characters.`, field);
  if (text.length > max) throw new BadUserInputError(`${what} is at most ${max} characters.`, field);
  return text;
}
