import type { Db } from "../../src/db/client.js";
import type { TableName } from "../../src/db/statistics.js";

/**
 * How many times each table was ANALYZEd by a command (autovacuum's runs
 * are counted apart, in autoanalyze_count, so they cannot pass for one).
 */
export async function analyzeCounts(db: Db, tables: readonly TableName[]): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<{ relname: string; analyze_count: bigint | number }[]>`
    SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname = ANY(${[...tables]}::text[]) AND schemaname = current_schema()`;
  return Object.fromEntries(tables.map((table) => [table, Number(rows.find((row) => row.relname === table)?.analyze_count ?? 0)]));
}

/**
 * The tables whose count went up from `before`. PostgreSQL publishes
 * another connection's statistics within a moment, not at its commit, so
 * this looks again for up to two seconds before it answers.
 */
export async function analyzedSince(db: Db, before: Record<string, number>): Promise<string[]> {
  const tables = Object.keys(before) as TableName[];
  let grown: string[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const now = await analyzeCounts(db, tables);
    grown = tables.filter((table) => now[table]! > before[table]!).sort();
    if (grown.length === tables.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return grown;
}
