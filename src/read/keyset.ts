import { Prisma } from "../db/generated/prisma/client.js";
import { utcTimestamp } from "./values.js";
import { notACursorOfThisList, type CursorValue } from "./cursors.js";
import type { PageWindow } from "./window.js";

/**
 * One key of a list's order: a SQL expression over the row source, its
 * direction and the type its values travel in cursors. Every order ends in a
 * unique key (the id), and no key is ever null, so each row has exactly one
 * position and keyset conditions never skip or repeat rows.
 */
export interface SortKey {
  readonly expr: Prisma.Sql;
  readonly direction: "asc" | "desc";
  readonly type: "int" | "float" | "timestamp" | "text";
}

export function sortKey(expr: Prisma.Sql, direction: "asc" | "desc", type: SortKey["type"]): SortKey {
  return { expr, direction, type };
}

/** The value a cursor carries for a key of a loaded row (timestamps as epoch milliseconds). */
export function cursorValue(value: unknown): CursorValue {
  return value instanceof Date ? value.getTime() : (value as CursorValue);
}

/**
 * The keyset conditions of a window: rows after its `after` cursor and
 * before its `before` cursor, in list order. When every key runs the same
 * way this is one row comparison, `(a, b) < ($1, $2)`, which PostgreSQL
 * answers from a matching index; otherwise it is the equivalent OR chain.
 */
export function keysetConditions(order: readonly SortKey[], window: PageWindow): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (window.after) conditions.push(beyond(order, window.after, "after", true));
  if (window.before) conditions.push(beyond(order, window.before, "before", false));
  return conditions;
}

/** The ORDER BY keys: the list's own order, reversed when the window runs backward. */
export function orderByKeys(order: readonly SortKey[], exprs: readonly Prisma.Sql[], backward: boolean): Prisma.Sql {
  return Prisma.join(
    order.map((key, i) => {
      const ascending = (key.direction === "asc") !== backward;
      return Prisma.sql`${exprs[i]!} ${Prisma.raw(ascending ? "ASC" : "DESC")}`;
    }),
    ", ",
  );
}

function beyond(order: readonly SortKey[], values: readonly CursorValue[], field: "after" | "before", after: boolean): Prisma.Sql {
  if (values.length !== order.length) throw notACursorOfThisList(field);
  const params = order.map((key, i) => param(key, values[i]!, field));
  // "after" in a descending key means smaller; "before" the opposite.
  const operator = (key: SortKey) => ((key.direction === "desc") === after ? "<" : ">");
  if (order.every((key) => key.direction === order[0]!.direction)) {
    const left = Prisma.join(order.map((key) => key.expr), ", ");
    return Prisma.sql`(${left}) ${Prisma.raw(operator(order[0]!))} (${Prisma.join(params, ", ")})`;
  }
  const branches = order.map((key, i) => {
    const equal = order.slice(0, i).map((earlier, j) => Prisma.sql`${earlier.expr} = ${params[j]!}`);
    return Prisma.join([...equal, Prisma.sql`${key.expr} ${Prisma.raw(operator(key))} ${params[i]!}`], " AND ");
  });
  return Prisma.sql`((${Prisma.join(branches, ") OR (")}))`;
}

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
const MIN_TIME = Date.parse("0001-01-01T00:00:00.000Z");
const MAX_TIME = Date.parse("9999-12-31T23:59:59.999Z");

function param(key: SortKey, value: CursorValue, field: string): Prisma.Sql {
  switch (key.type) {
    case "int":
      if (!Number.isInteger(value) || (value as number) < INT4_MIN || (value as number) > INT4_MAX) throw notACursorOfThisList(field);
      return Prisma.sql`${value}::int`;
    case "float":
      if (!Number.isFinite(value)) throw notACursorOfThisList(field);
      return Prisma.sql`${value}::float8`;
    case "timestamp": {
      // Years 1 to 9999: what ISO text and PostgreSQL's timestamp both hold.
      if (typeof value !== "number" || !(value >= MIN_TIME && value <= MAX_TIME)) throw notACursorOfThisList(field);
      return utcTimestamp(new Date(value));
    }
    case "text":
      if (typeof value !== "string") throw notACursorOfThisList(field);
      return Prisma.sql`${value}::text`;
  }
}
