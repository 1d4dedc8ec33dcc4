import { BadUserInputError } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

interface PageArgs {
  first?: number | null;
  last?: number | null;
}

/** The page size limit, after checking that the request stays within it. */
export function pageSizeFor(args: PageArgs): number {
  for (const field of ["first", "last"] as const) {
    const size = args[field];
    if (size == null) continue;
    if (size < 0) throw new BadUserInputError(`"${field}" must not be negative.`, field);
    if (size > MAX_PAGE_SIZE) throw new BadUserInputError(`"${field}" must be at most ${MAX_PAGE_SIZE}.`, field);
  }
  return MAX_PAGE_SIZE;
}
