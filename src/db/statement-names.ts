import { createHash } from "node:crypto";
import type { SqlQuery } from "@prisma/driver-adapter-utils";
import { Prisma } from "./generated/prisma/client.js";

/** The comment that keeps a statement unnamed (plannedPerExecution). */
const PLANNED_PER_EXECUTION = "/* planned per execution */";

/**
 * A condition whose best plan depends on its parameter's value, marked so
 * that every statement holding it is planned with its values at every
 * execution: it runs unnamed, and where connections force generic plans
 * (DB_GENERIC_PLANS) with `plan_cache_mode` set back to `auto` around it
 * (postgresRunner), since an unnamed statement gets the one generic plan
 * too under `force_generic_plan`. A substring search (users(search:)) needs
 * this: for a rare pattern the trigram indexes find its few matches, for a
 * common one the primary key's walk stops after a page, and the one generic
 * plan walked the whole table for a pattern that matches nothing (340 ms
 * on 500,000 users, for one anonymous request).
 */
export function plannedPerExecution(condition: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(PLANNED_PER_EXECUTION)} ${condition}`;
}

/** Whether a statement holds a condition planned per execution. */
export function isPlannedPerExecution(sql: string): boolean {
  return sql.includes(PLANNED_PER_EXECUTION);
}

/**
 * Names for prepared statements, for adapter-pg's `statementNameGenerator`:
 * pg prepares a named statement once per connection and then only binds
 * and executes it, so PostgreSQL parses each distinct statement once
 * instead of on every request, and plans it once too with generic plans
 * (DatabaseConfig.genericPlans).
 *
 * A name is a hash of the SQL text, so the same text always gets the same
 * name and two texts never share one. Only the first `limit` distinct texts
 * are named: every connection keeps each statement it prepared for its
 * whole life, and texts that vary without end (an IN list of every length)
 * must not grow that without bound; the rest run unnamed, as before. So
 * does any statement holding a condition planned per execution.
 */
export function statementNames(limit = 1_000): (query: Pick<SqlQuery, "sql">) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      // "" remembers a text that runs unnamed, so it is searched for the mark once.
      name = isPlannedPerExecution(sql) ? "" : `inkwell_${createHash("sha1").update(sql).digest("base64url")}`;
      names.set(sql, name);
    }
    return name || undefined;
  };
}
