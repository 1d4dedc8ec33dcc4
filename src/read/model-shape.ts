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
