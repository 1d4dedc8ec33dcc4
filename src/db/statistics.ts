import type { Db } from "./handles.js";
import { sqlModel } from "./generated/sql-model.js";

/** A table of the data model, by its name in the database. */
export type TableName = (typeof sqlModel)[keyof typeof sqlModel]["table"];

const TABLES: ReadonlySet<string> = new Set(Object.values(sqlModel).map((model) => model.table));

/**
 * Brings the planner's statistics for `tables` up to date, for commands
 * that load or rewrite many rows (the seed, the batch jobs). Until
 * autovacuum gets to them (and PGlite has no autovacuum at all) PostgreSQL
 * plans with the row counts of before the load, and may read every child
 * of a deep parent to find one page. Table names are identifiers, which
 * cannot be bound parameters: only the model's own tables are accepted.
 */
export async function refreshStatistics(db: Db, tables: Iterable<TableName>): Promise<void> {
  const names = [...new Set(tables)];
  if (names.length) await db.$executeRawUnsafe(`ANALYZE ${quotedTables(names)}`);
}

/**
 * Tables of the data model as a list for VACUUM or ANALYZE, which take
 * identifiers, not bound parameters: a name that is not one of the
 * model's tables is refused rather than quoted.
 */
export function quotedTables(tables: readonly string[]): string {
  for (const name of tables) if (!isModelTable(name)) throw new Error(`not a table of the data model: ${name}`);
  return tables.map((name) => `"${name}"`).join(", ");
}

/** Whether `name` is one of the data model's tables (and not, say, Prisma's migrations table). */
export function isModelTable(name: string): name is TableName {
  return TABLES.has(name);
}
