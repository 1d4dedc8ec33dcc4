import { Prisma } from "../db/generated/prisma/client.js";

/**
 * A LIKE pattern that matches `term` anywhere, literally: `%`, `_` and the
 * escape character itself lose their wildcard meaning (PostgreSQL's default
 * LIKE escape is the backslash).
 */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, "\\$&")}%`;
}

/** A bound timestamp for the `timestamp(3)` columns, which hold UTC as Prisma writes them. */
export function utcTimestamp(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString().slice(0, -1)}::timestamp(3)`;
}
