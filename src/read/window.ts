import { BadUserInputError } from "../errors.js";
import type { CursorValue } from "./cursors.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** How every connection states its paging rules, in its description. */
export const PAGING_RULES = `Pages of ${DEFAULT_PAGE_SIZE} by default, ${MAX_PAGE_SIZE} at most; \`first\` and \`last\` cannot be combined.`;

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Which rows of a list one request asks for, with its cursors already decoded. */
export interface PageWindow {
  /** Rows on the page at most. */
  readonly size: number;
  /** `last`: the page is taken from the end of the range and the query runs in reverse. */
  readonly backward: boolean;
  /** Sort key values of the `after` cursor: rows strictly after it in list order. */
  readonly after: readonly CursorValue[] | null;
  /** Sort key values of the `before` cursor: rows strictly before it in list order. */
  readonly before: readonly CursorValue[] | null;
}

type DecodeCursor = (cursor: string, field: "after" | "before") => CursorValue[];

/** Validates the paging arguments (bad ones are BAD_USER_INPUT naming the argument) and decodes the cursors. */
export function pageWindow(args: PageArgs, decode: DecodeCursor): PageWindow {
  const { first, last } = args;
  if (first != null && last != null) {
    throw new BadUserInputError('Use "first" or "last", not both.', "last");
  }
  for (const field of ["first", "last"] as const) {
    const size = args[field];
    if (size == null) continue;
    if (size < 0) throw new BadUserInputError(`"${field}" must not be negative.`, field);
    if (size > MAX_PAGE_SIZE) throw new BadUserInputError(`"${field}" must be at most ${MAX_PAGE_SIZE}.`, field);
  }
  return {
    size: first ?? last ?? DEFAULT_PAGE_SIZE,
    backward: last != null,
    after: args.after != null ? decode(args.after, "after") : null,
    before: args.before != null ? decode(args.before, "before") : null,
  };
}
