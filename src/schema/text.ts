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
/**
 * Explicit bidirectional embeddings, overrides and isolates (LRE, RLE, PDF,
 * LRO, RLO, LRI, RLI, FSI, PDI): they reorder the text around them wherever
 * it is shown, so "Invoice ‮fdp.exe" displays as "Invoice exe.pdf"
 * (CVE-2021-42574, "Trojan Source"). Refused in all text.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
/**
 * The implicit direction marks (LRM, RLM, ALM) change no order but their
 * neighbours'; a paragraph of mixed scripts may need them, a single line
 * (a title, a name, a note) does not.
 */
const BIDI_MARKS = /[\u200E\u200F\u061C]/u;
/**
 * At most this many combining marks on one character, joiners between them
 * included. After NFC, real text needs few (Vietnamese 2, Indic and Thai 2
 * or 3, a keycap emoji 2); a stack of dozens ("Zalgo" text) paints over the
 * lines around it. Unicode's stream-safe limit (30, UAX #15) bounds
 * processing, not display, so it is far too loose here.
 */
export const MAX_COMBINING_MARKS = 4;
const MARK_STACK = new RegExp(`\\p{M}(?:[\\u200C\\u200D]*\\p{M}){${MAX_COMBINING_MARKS}}`, "u");

/**
 * The one rule for text that people will see, whatever field it is in: NFC,
 * something visible, no control characters (but tab and line breaks in
 * paragraphs), no direction overrides (nor marks in one line), no stacks of
 * combining marks, and at most `max` characters.
 */
function displayableText(raw: string, field: string, what: string, max: number, { lines, trim }: { lines: boolean; trim: boolean }): string {
  const normalized = raw.normalize("NFC");
  const text = trim ? normalized.trim() : normalized;
  if (!VISIBLE.test(text)) throw new BadUserInputError(`${what} must contain visible text.`, field);
  if (lines ? CONTROL_EXCEPT_LINES.test(text) : CONTROL.test(text)) {
    throw new BadUserInputError(lines ? `${what} must not contain control characters.` : `${what} must be one line without control characters.`, field);
  }
  if (BIDI_CONTROLS.test(text) || (!lines && BIDI_MARKS.test(text))) {
    throw new BadUserInputError(`${what} must not contain invisible text-direction controls (like a right-to-left override).`, field);
  }
  if (MARK_STACK.test(text)) {
    throw new BadUserInputError(`${what} has a character with more than ${MAX_COMBINING_MARKS} combining marks.`, field);
  }
  if (text.length > max) throw new BadUserInputError(`${what} is at most ${max} characters.`, field);
  return text;
}

/** One line of visible text (a title, a name, a note): trimmed, see displayableText. */
export function singleLineText(raw: string, field: string, what: string, max: number): string {
  return displayableText(raw, field, what, max, { lines: false, trim: true });
}

/** Paragraphs of visible text (a body, a bio, a comment): see displayableText; trimmed unless `trim` is false. */
export function multiLineText(raw: string, field: string, what: string, max: number, { trim = true } = {}): string {
  return displayableText(raw, field, what, max, { lines: true, trim });
}

const EMAIL = /^[^\s@\p{Cc}\p{Cf}]+@[^\s@\p{Cc}\p{Cf}]+\.[^\s@\p{Cc}\p{Cf}]+$/u;

/**
 * A handle as stored: trimmed and lower-case. Every handle is written so
 * (signUp), so every lookup and filter by handle reads it so too, and
 * `@Writer1` finds `writer1` as `Writer1@example.com` logs in as writer1.
 */
export function handleAsStored(raw: string): string {
  return raw.trim().toLowerCase();
}

/** An email address as stored: trimmed, lower-case, with no invisible or control characters; null when it is not one. */
export function emailAddress(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return EMAIL.test(email) && email.length <= TEXT_LIMITS.email ? email : null;
}
