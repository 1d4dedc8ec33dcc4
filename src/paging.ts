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

export type SortKey<F extends string> = readonly [field: F, direction: "asc" | "desc"];

interface CursorPage {
  cursor?: { id?: number };
  skip?: number;
  take?: number;
}

/**
 * Prisma's `cursor` argument costs a lot on a root list: it gives up
 * relation joins (each relation level becomes its own statement), and with
 * a nullable sort key it drops the LIMIT and trims the page in memory after
 * reading every row past the cursor. A keyset `where` on the sort keys gives
 * the same page as one indexed statement.
 *
 * `anchor` holds the sort keys' values of the cursor row (for an `id`-only
 * order, the cursor itself). Returns the query without cursor/skip, the
 * `where` to AND with the list's own filter, and the `orderBy` of `order`,
 * so a list states its order once.
 */
export function keysetPage<Q extends CursorPage, F extends string>(
  query: Q,
  order: readonly SortKey<F>[],
  anchor: Record<F, unknown> | null,
): { page: Omit<Q, "cursor" | "skip">; where: Record<string, unknown>; orderBy: Record<F, "asc" | "desc">[] } {
  const { cursor: _cursor, skip: _skip, ...page } = query;
  const orderBy = order.map(([field, direction]) => ({ [field]: direction }) as Record<F, "asc" | "desc">);
  if (!anchor) return { page, where: {}, orderBy };
  const forward = (query.take ?? 1) >= 0;
  // Rows after the anchor in list order: for each key, equal on the keys
  // before it and strictly beyond the anchor on it.
  const branches = order.map(([field, direction], i) => {
    const beyond = (direction === "desc") === forward ? "lt" : "gt";
    const equalBefore = Object.fromEntries(order.slice(0, i).map(([earlier]) => [earlier, anchor[earlier]]));
    return { ...equalBefore, [field]: { [beyond]: anchor[field] } };
  });
  return { page, where: branches.length === 1 ? branches[0]! : { OR: branches }, orderBy };
}
