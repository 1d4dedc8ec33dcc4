import { Prisma } from "../db/generated/prisma/client.js";
import type { SortKey } from "./keyset.js";
import type { SqlScalar } from "./model-shape.js";

/**
 * How a column travels inside a JSON value of a read statement (a relation's
 * object, a page read ahead, src/read/compile.ts and src/read/page-query.ts)
 * and comes out as the value the same column has in a result row
 * (src/db/sql-runner.ts's parsers): the SQL that puts it in the JSON, and
 * the decoder, if one is needed, that turns the JSON value back. JSON has
 * no timestamps, no integers past 2^53, no NaN and no bytes, so:
 *
 * - a timestamp travels as PostgreSQL's ISO text (UTC, without zone, as
 *   Prisma writes `timestamp(3)`) and becomes a Date;
 * - a bigint travels as text and becomes a BigInt (a number would lose digits);
 * - a numeric travels as text and stays text, as `pg` gives it in a row;
 * - a float travels as a number, or as PostgreSQL's "NaN" and "Infinity"
 *   strings, and becomes a number;
 * - bytes travel as hex and become a Buffer.
 *
 * A list of anything but plain values and floats is refused (thrown when the
 * selection is compiled, so the schema refuses it when it is built,
 * src/read/readable.ts): no list the project reads has one.
 */
export interface JsonValue {
  readonly sql: Prisma.Sql;
  readonly decode: ((value: unknown) => unknown) | null;
}

/** A value's type: Prisma's scalar type name, and whether it is a list; enums travel as text. */
export type ValueType = Pick<SqlScalar, "type" | "kind" | "isList">;

const PLAIN: ValueType["type"][] = ["String", "Int", "Boolean", "Json"];

const toDate = (value: unknown) => new Date(`${value as string}Z`);
const toBigInt = (value: unknown) => BigInt(value as string);
const toFloat = (value: unknown) => (typeof value === "string" ? Number(value) : value);
const toBytes = (value: unknown) => Buffer.from(value as string, "hex");

export function jsonValue(expr: Prisma.Sql, type: ValueType): JsonValue {
  const rule = travelRule(type);
  return { sql: rule.sql(expr), decode: rule.decode };
}

/** The decoder alone, for a reader whose statement another part built (src/read/page-query.ts). */
export function jsonDecoder(type: ValueType): JsonValue["decode"] {
  return travelRule(type).decode;
}

const AS_IS = (expr: Prisma.Sql) => expr;
const AS_TEXT = (expr: Prisma.Sql) => Prisma.sql`${expr}::text`;

function travelRule({ type, kind, isList }: ValueType): { sql: (expr: Prisma.Sql) => Prisma.Sql; decode: JsonValue["decode"] } {
  if (kind === "enum" || PLAIN.includes(type)) return { sql: AS_IS, decode: null };
  if (isList && type !== "Float") throw new Error(`lists of ${type} cannot travel in a JSON value`);
  switch (type) {
    case "Float":
      return { sql: AS_IS, decode: isList ? listOf(toFloat) : toFloat };
    case "Decimal":
      return { sql: AS_TEXT, decode: null };
    case "DateTime":
      return { sql: AS_IS, decode: toDate };
    case "BigInt":
      return { sql: AS_TEXT, decode: toBigInt };
    case "Bytes":
      return { sql: (expr) => Prisma.sql`encode(${expr}, 'hex')`, decode: toBytes };
    default:
      throw new Error(`a ${type} cannot travel in a JSON value`);
  }
}

/** The decoder of a list, element by element (null stays null). */
function listOf(decode: (value: unknown) => unknown) {
  return (value: unknown) => (value as unknown[]).map((item) => (item === null ? null : decode(item)));
}

/** The type of a sort key's or an edge value's values (SortKey["type"]), as a scalar's. */
export function scalarOf(type: SortKey["type"]): ValueType {
  const names = { int: "Int", float: "Float", timestamp: "DateTime", text: "String" } as const;
  return { type: names[type], kind: "scalar", isList: false };
}
