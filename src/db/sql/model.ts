import { Prisma } from "../generated/prisma/client.js";
import { sqlModel } from "../generated/sql-model.js";

/**
 * The shape of src/db/generated/sql-model.ts, which prisma/generators/
 * sql-model.ts writes from prisma/schema.prisma: every model's table, its
 * columns, and the columns each relation joins on.
 */
export interface SqlScalar {
  readonly column: string;
  /** Prisma's scalar type (Int, String, DateTime, Json, BigInt, …) or the enum's name. */
  readonly type: string;
  readonly kind: "scalar" | "enum";
  readonly isList: boolean;
}

export interface SqlRelation {
  readonly model: string;
  readonly isList: boolean;
  readonly isRequired: boolean;
  /** Columns of this model's table … */
  readonly from: readonly string[];
  /** … equal to these columns of the related table. */
  readonly to: readonly string[];
}

export interface SqlModelEntry {
  readonly table: string;
  readonly primaryKey: readonly string[];
  readonly scalars: Readonly<Record<string, SqlScalar>>;
  readonly relations: Readonly<Record<string, SqlRelation>>;
}

export type SqlModel = Readonly<Record<string, SqlModelEntry>>;

export type ModelName = keyof typeof sqlModel;

export function modelEntry(name: string): SqlModelEntry {
  const entry = (sqlModel as SqlModel)[name];
  if (!entry) throw new Error(`no model named ${name}`);
  return entry;
}

/**
 * A quoted identifier. Only names from the generated model and the code's
 * own aliases go through here, never client input.
 */
export function ident(name: string): Prisma.Sql {
  return Prisma.raw(`"${name.replace(/"/g, '""')}"`);
}

/** `alias.column`, both quoted. */
export function columnRef(alias: string, column: string): Prisma.Sql {
  return Prisma.raw(`"${alias}"."${column.replace(/"/g, '""')}"`);
}
