import { createHash } from "node:crypto";
import type { SqlQuery } from "@prisma/driver-adapter-utils";

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
 * must not grow that without bound; the rest run unnamed, as before.
 */
export function statementNames(limit = 1_000): (query: Pick<SqlQuery, "sql">) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      name = `inkwell_${createHash("sha1").update(sql).digest("base64url")}`;
      names.set(sql, name);
    }
    return name;
  };
}
