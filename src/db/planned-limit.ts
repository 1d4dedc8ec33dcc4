import { Prisma } from "./generated/prisma/client.js";

/**
 * A LIMIT of the code's own, written into the statement as a constant so
 * that PostgreSQL plans for that many rows. A generic plan (the one a
 * prepared statement settles on, or every plan under DB_GENERIC_PLANS)
 * cannot see a bound `LIMIT $n`, and plans to fetch a tenth of the rows
 * behind it: on a large table that can be a scan of all of it and a sort
 * where an index walk reads a handful (25 ms against 0.4 ms for the root
 * posts list's first page, before pages were written this way). Only for
 * bounds the code chooses (the page maximum, an export's or a job's chunk
 * size), never a value from a request, so the statement texts stay few.
 */
export function plannedLimit(rows: number): Prisma.Sql {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`a planned LIMIT must be a positive integer, got ${rows}`);
  return Prisma.raw(String(rows));
}
