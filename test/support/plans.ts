import type { Db } from "../../src/db/client.js";
import type { LoggedStatement } from "../../src/db/sql-log.js";

/** A bound parameter as an untyped SQL literal, so PostgreSQL types it as it typed the parameter. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  const text = Array.isArray(value)
    ? `{${value.map((item) => JSON.stringify(String(item))).join(",")}}`
    : value instanceof Date
      ? value.toISOString()
      : String(value);
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * A logged statement's generic plan, run: prepared as the driver prepares
 * it (untyped parameters), planned with `force_generic_plan`, then executed
 * with the same arguments. One transaction on one connection, so the
 * settings and the prepared statement meet. Test tables are smaller than
 * the 8 MB from which PostgreSQL weighs a parallel scan
 * (min_parallel_table_scan_size), and a production table is not: the plan
 * is made as it would be for one.
 */
export async function genericPlan(db: Db, statement: LoggedStatement): Promise<any> {
  return preparedPlan(db, statement, "force_generic_plan");
}

/**
 * A logged statement's plan under a `plan_cache_mode`, run, as genericPlan
 * makes it: under `auto` its first execution is planned with its values, as
 * PostgreSQL plans a statement planned per execution (src/db/statement-names.ts).
 */
export async function preparedPlan(db: Db, statement: LoggedStatement, mode: "force_generic_plan" | "auto"): Promise<any> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = ${mode}`);
    await tx.$executeRawUnsafe("SET LOCAL min_parallel_table_scan_size = 0");
    await tx.$executeRawUnsafe(`PREPARE generic_plan_check AS ${statement.sql}`);
    try {
      const [explained] = await tx.$queryRawUnsafe<{ "QUERY PLAN": any }[]>(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_plan_check${statement.args.length ? `(${statement.args.map(literal).join(", ")})` : ""}`,
      );
      return explained!["QUERY PLAN"];
    } finally {
      await tx.$executeRawUnsafe("DEALLOCATE generic_plan_check");
    }
  });
}

/**
 * The most rows a statement's generic plan expects any LIMIT to pass. A
 * generic plan cannot see a bound `LIMIT $n`, and for it PostgreSQL expects
 * a tenth of the rows behind it, and so may choose to read them all and
 * sort (src/db/planned-limit.ts): a page or a chunk must be planned as at
 * most itself, on a table of any size.
 */
export async function limitEstimateGeneric(db: Db, statement: LoggedStatement): Promise<number> {
  let largest = 0;
  const walk = (node: any) => {
    if (node["Node Type"] === "Limit") largest = Math.max(largest, node["Plan Rows"]);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk((await genericPlan(db, statement))[0].Plan);
  return largest;
}
