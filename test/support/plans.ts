import type { Db } from "../../src/db/client.js";
import type { LoggedStatement } from "../../src/db/sql-log.js";
import type { TestApp } from "./test-app.js";

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

/** Rows a plan's scans read: rows they returned plus rows their filters and rechecks dropped, over every loop. */
export function scannedRows(plan: any): number {
  let total = 0;
  const walk = (node: any) => {
    if (/Scan/.test(node["Node Type"]) && !/Bitmap Index Scan/.test(node["Node Type"])) {
      total += ((node["Actual Rows"] ?? 0) + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0)) * (node["Actual Loops"] ?? 1);
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan[0].Plan);
  return total;
}

/**
 * Rows the page statement read as the server ran it: under the plan mode its
 * connection had then (the connections' forced generic plans, unless the
 * server set `auto` around the statement, which the log shows).
 */
export async function rowsReadAsRun(t: TestApp, response: { log: LoggedStatement[] }, page: LoggedStatement): Promise<number> {
  const before = response.log.slice(0, response.log.indexOf(page)).map((statement) => statement.sql);
  const mode = t.kind === "postgres" && before.at(-1) !== "SET plan_cache_mode = auto" ? "force_generic_plan" : "auto";
  return scannedRows(await preparedPlan(t.app.database.prisma, page, mode));
}
