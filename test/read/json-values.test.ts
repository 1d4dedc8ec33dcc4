import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { jsonValue, type ValueType } from "../../src/read/json-values.js";
import { testDatabaseKinds } from "../support/databases.js";
import { useTestApp } from "../support/test-app.js";

/**
 * A column read inside a JSON value (a relation, a page read ahead) comes
 * out as the very value the same column has in a result row, for every type
 * src/read/json-values.ts lets travel: each value is selected both ways in
 * one statement, through the SQL runner the read library uses.
 */
const scalar = (type: string, isList = false): ValueType => ({ type, kind: "scalar", isList });

interface Case {
  readonly name: string;
  readonly type: ValueType;
  /** The column's SQL type. */
  readonly sqlType: string;
  /** Values to bind, as text in PostgreSQL's own syntax or as the driver binds them. */
  readonly values: readonly unknown[];
}

const CASES: readonly Case[] = [
  { name: "Int", type: scalar("Int"), sqlType: "int4", values: [0, -2_147_483_648, 2_147_483_647, null] },
  { name: "String", type: scalar("String"), sqlType: "text", values: ["", "é 👩‍💻 ب", 'a "quote", a \\ and a\nnewline', null] },
  { name: "Boolean", type: scalar("Boolean"), sqlType: "bool", values: [true, false, null] },
  { name: "Json", type: scalar("Json"), sqlType: "jsonb", values: ['{"a": [1, "x", null, {"b": 1.5}]}', "[]", '"text"', null] },
  { name: "an enum", type: { type: "PostStatus", kind: "enum", isList: false }, sqlType: '"PostStatus"', values: ["PUBLISHED", "DRAFT", null] },
  { name: "Float", type: scalar("Float"), sqlType: "float8", values: ["0.1", "-0", "1e300", "5e-324", "NaN", "Infinity", "-Infinity", null] },
  { name: "Float (4 bytes)", type: scalar("Float"), sqlType: "float4", values: ["0.1", "3.4028235e38", "NaN", null] },
  // No NULL element: PGlite's own array parser reads one as NaN in a row (PostgreSQL's gives null, as JSON does).
  { name: "a list of Float", type: scalar("Float", true), sqlType: "float8[]", values: ["{1.5,NaN,-Infinity,1e-300}", "{}", null] },
  { name: "Decimal", type: scalar("Decimal"), sqlType: "numeric", values: ["12345678901234567890.123456789", "-0.5", "NaN", null] },
  {
    name: "DateTime",
    type: scalar("DateTime"),
    sqlType: "timestamp(3)",
    values: ["2026-01-02 03:04:05.678", "1970-01-01 00:00:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59.999", "1969-12-31 23:59:59.999", null],
  },
  { name: "BigInt", type: scalar("BigInt"), sqlType: "int8", values: ["9223372036854775807", "-9223372036854775808", "9007199254740993", "0", null] },
  { name: "Bytes", type: scalar("Bytes"), sqlType: "bytea", values: [Buffer.from("00ff10", "hex"), Buffer.alloc(0), null] },
];

describe.each(testDatabaseKinds)("a column inside a JSON value on %s", (kind) => {
  const app = useTestApp(kind);

  /** The value of `literal` as `sqlType`, read as a result row's column and from inside a JSON array. */
  async function bothWays(type: ValueType, sqlType: string, literal: unknown) {
    const travelled = jsonValue(Prisma.raw('"x"."v"'), type);
    const [row] = await app.current.app.database.sql.query<{ v: unknown; j: unknown[] }>(
      Prisma.sql`SELECT "x"."v", json_build_array(${travelled.sql}) AS "j" FROM (SELECT ${literal}::${Prisma.raw(sqlType)} AS "v") AS "x"`,
    );
    const inside = row!.j[0];
    const json = inside === null || !travelled.decode ? inside : travelled.decode(inside);
    // Bytes by their bytes: a row gives a Buffer on PostgreSQL and a plain Uint8Array on PGlite (JSON, a Buffer on both).
    const bytes = (value: unknown) => (value instanceof Uint8Array ? { bytes: [...value] } : value);
    return { row: bytes(row!.v), json: bytes(json), tags: [row!.v, json].map((value) => Object.prototype.toString.call(value)) };
  }

  it.each(CASES)("$name comes out as in a row", async ({ type, sqlType, values }) => {
    for (const literal of values) {
      const { row, json, tags } = await bothWays(type, sqlType, literal);
      expect(json, `${sqlType} ${String(literal)}`).toEqual(row);
      // Same kind of value, not only equal-looking (a Date, a BigInt, bytes, a string).
      expect(tags[1]).toBe(tags[0]);
    }
  });

  it("keeps every float, bigint and millisecond timestamp exactly", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }),
        async (double, bigint, date) => {
          for (const [type, sqlType, literal] of [
            [scalar("Float"), "float8", String(double)],
            [scalar("BigInt"), "int8", String(bigint)],
            [scalar("DateTime"), "timestamp(3)", date.toISOString().slice(0, -1)],
          ] as const) {
            const { row, json } = await bothWays(type, sqlType, literal);
            expect(json).toEqual(row);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the types that cannot travel in a JSON value", () => {
  it.each(["DateTime", "BigInt", "Bytes", "Decimal"])("refuses a list of %s, which compileSelection then refuses for readable.ts", (type) => {
    expect(() => jsonValue(Prisma.raw('"x"."v"'), scalar(type, true))).toThrow(`lists of ${type} cannot travel in a JSON value`);
  });

  it("refuses a type it does not know", () => {
    expect(() => jsonValue(Prisma.raw('"x"."v"'), scalar("Unsupported"))).toThrow("cannot travel in a JSON value");
  });
});
