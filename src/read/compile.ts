import { Prisma } from "../db/generated/prisma/client.js";
import { columnRef, ident, modelEntry } from "./model.js";
import { jsonValue } from "./json-values.js";
import type { SqlModelEntry } from "./model-shape.js";

/**
 * Compiles the selection plugin-prisma plans for a model (the `{ select }`
 * or `{ include }` that `queryFromInfo` returns) into SQL over a row source,
 * so a paged connection reads exactly the columns and to-one/to-many
 * relations the document asks for, in the same statement that picks the
 * page. Relations become correlated JSON subqueries evaluated only for the
 * rows of the page.
 *
 * Supported: scalar columns, relations without arguments nested to any
 * depth, and relation counts without a filter (`t.relationCount`). Anything
 * else a field can select (a relation with arguments, a filtered count) is
 * refused when the schema is built (src/read/readable.ts), by compiling
 * every field's selection once; it throws here.
 */
export interface PlannedQuery {
  select?: Record<string, unknown>;
  include?: Record<string, unknown>;
}

export interface CompiledSelection {
  /** The columns of the node's table, aliased `x`, that the row source must output; built once with the selection. */
  readonly sourceColumns: Prisma.Sql;
  /** The select list over the source alias: scalars aliased to field names, relations as JSON. */
  readonly selectList: Prisma.Sql;
  /** The node, as Prisma would have returned it, from one result row. */
  decode(row: Record<string, unknown>): Record<string, unknown>;
  /** The same selection as one JSON object over the source alias, for a statement that returns rows inside a JSON value (a page read ahead, src/read/page-query.ts). */
  readonly json: JsonSelection;
}

export interface JsonSelection {
  /** The node as one JSON array of its values, in the order `decode` knows (objectJson). */
  readonly object: Prisma.Sql;
  /** The node, as `decode` gives it from a row, from the parsed array. */
  decode(value: unknown[]): Record<string, unknown>;
}

/** Turns a parsed JSON value of the statement into what Prisma would give for it. */
type Decoder = (value: unknown) => unknown;

const RELATION_ARGUMENTS = ["where", "orderBy", "take", "skip", "cursor", "distinct"] as const;

export function compileSelection(modelName: string, query: PlannedQuery, sourceAlias: string): CompiledSelection {
  const model = modelEntry(modelName);
  const { scalars, relations, counts } = partition(modelName, model, query);
  const sourceColumns = new Set<string>(model.primaryKey);
  const list: Prisma.Sql[] = [];
  for (const field of scalars) {
    const { column } = model.scalars[field]!;
    sourceColumns.add(column);
    list.push(Prisma.sql`${columnRef(sourceAlias, column)} AS ${ident(field)}`);
  }
  const relationDecoders: [string, Decoder][] = [];
  let depth = 0;
  const nextAlias = () => `r${(depth += 1)}`;
  for (const [field, nested] of relations) {
    const relation = model.relations[field]!;
    for (const column of relation.from) sourceColumns.add(column);
    const compiled = relationJson(modelName, field, nested, sourceAlias, nextAlias);
    list.push(Prisma.sql`${compiled.sql} AS ${ident(field)}`);
    relationDecoders.push([field, compiled.decode]);
  }
  const counted = counts.length > 0;
  if (counted) {
    for (const name of counts) for (const column of model.relations[name]!.from) sourceColumns.add(column);
    list.push(Prisma.sql`${countJson(modelName, counts, sourceAlias, nextAlias)} AS ${ident("_count")}`);
  }
  let jsonDepth = 0;
  const json = objectJson(modelName, query, sourceAlias, () => `r${(jsonDepth += 1)}`);
  return {
    json: { object: json.sql, decode: json.decode },
    sourceColumns: Prisma.join([...sourceColumns].map((column) => columnRef("x", column)), ", "),
    selectList: list.length
      ? Prisma.join(list, ", ")
      : Prisma.sql`${columnRef(sourceAlias, model.primaryKey[0]!)} AS ${ident(model.primaryKey[0]!)}`,
    decode(row) {
      const node: Record<string, unknown> = {};
      for (const field of scalars) node[field] = row[field];
      if (counted) node._count = row._count;
      for (const [field, decode] of relationDecoders) {
        const value = row[field];
        node[field] = value === null ? null : decode(value);
      }
      return node;
    },
  };
}

/** The scalar fields and the relations (with their nested queries) a planned query asks for. */
function partition(modelName: string, model: SqlModelEntry, query: PlannedQuery) {
  const scalars: string[] = [];
  const relations: [string, PlannedQuery][] = [];
  const counts: string[] = [];
  const { select, include } = query;
  if (!select) scalars.push(...Object.keys(model.scalars));
  for (const [key, value] of Object.entries({ ...include, ...select })) {
    if (!value) continue;
    if (key === "_count") {
      counts.push(...countedRelations(modelName, model, value));
      continue;
    }
    if (model.scalars[key]) {
      if (select) scalars.push(key);
      continue;
    }
    if (!model.relations[key]) throw new Error(`${modelName} has no field ${key}`);
    const nested = value === true ? {} : (value as PlannedQuery & Record<string, unknown>);
    const argument = RELATION_ARGUMENTS.find((name) => nested[name] !== undefined);
    if (argument) throw new Error(`${modelName}.${key}: relation arguments (${argument}) are not supported in a paged connection`);
    relations.push([key, nested]);
  }
  return { scalars: [...new Set(scalars)], relations, counts: [...new Set(counts)] };
}

/** The to-many relations a `_count: { select: { … } }` counts; a count with a filter is not supported. */
function countedRelations(modelName: string, model: SqlModelEntry, value: unknown): string[] {
  const select = typeof value === "object" && value !== null ? (value as { select?: Record<string, unknown> }).select : undefined;
  if (!select) throw new Error(`${modelName}._count: only counts of named relations are supported`);
  const names: string[] = [];
  for (const [name, counted] of Object.entries(select)) {
    if (!counted) continue;
    if (!model.relations[name]?.isList) throw new Error(`${modelName}._count.${name}: not a to-many relation`);
    if (counted !== true) throw new Error(`${modelName}._count.${name}: a filtered count (where) is not supported`);
    names.push(name);
  }
  return names;
}

/** `_count` as one JSON object: each relation's row count, by a subquery over its join columns. */
function countJson(modelName: string, names: readonly string[], outerAlias: string, nextAlias: () => string): Prisma.Sql {
  const pairs = names.map((name) => {
    const relation = modelEntry(modelName).relations[name]!;
    const alias = nextAlias();
    const join = Prisma.join(
      relation.to.map((column, i) => Prisma.sql`${columnRef(alias, column)} = ${columnRef(outerAlias, relation.from[i]!)}`),
      " AND ",
    );
    return Prisma.sql`${Prisma.raw(`'${name}'`)}, (SELECT count(*)::int FROM ${ident(modelEntry(relation.model).table)} AS ${ident(alias)} WHERE ${join})`;
  });
  return Prisma.sql`json_build_object(${Prisma.join(pairs, ", ")})`;
}

/**
 * A relation as one JSON value: an object (or null) for a to-one relation,
 * an array for a to-many one, ordered by primary key so answers are stable.
 */
function relationJson(
  modelName: string,
  field: string,
  query: PlannedQuery,
  outerAlias: string,
  nextAlias: () => string,
): { sql: Prisma.Sql; decode: Decoder } {
  const relation = modelEntry(modelName).relations[field]!;
  const target = modelEntry(relation.model);
  const alias = nextAlias();
  const { sql: object, decode } = objectJson(relation.model, query, alias, nextAlias);
  const join = Prisma.join(
    relation.to.map((column, i) => Prisma.sql`${columnRef(alias, column)} = ${columnRef(outerAlias, relation.from[i]!)}`),
    " AND ",
  );
  const from = Prisma.sql`FROM ${ident(target.table)} AS ${ident(alias)} WHERE ${join}`;
  const orderBy = Prisma.join(target.primaryKey.map((column) => columnRef(alias, column)), ", ");
  if (relation.isList) {
    return {
      sql: Prisma.sql`(SELECT coalesce(json_agg(${object} ORDER BY ${orderBy}), '[]'::json) ${from})`,
      decode: (value) => (value as unknown[][]).map(decode),
    };
  }
  return { sql: Prisma.sql`(SELECT ${object} ${from})`, decode: (value) => decode(value as unknown[]) };
}

/**
 * A row of `modelName` (aliased `alias`) as one JSON array of what `query`
 * selects: its scalars (each as src/read/json-values.ts has it travel),
 * relations as nested subqueries, and counts; with the decoder that makes
 * the parsed array the node a result row would give. An array, not an
 * object, because the names would travel once per row: in W1's statement
 * (310 page rows and their 250 authors) they were 40% of the 61 KB that
 * `pg` decodes and parses per request, and parsing the arrays and naming
 * their values here costs three quarters of parsing the objects
 * (bench/README.md has the bench:ab ratios).
 */
function objectJson(modelName: string, query: PlannedQuery, alias: string, nextAlias: () => string): { sql: Prisma.Sql; decode: (value: unknown[]) => Record<string, unknown> } {
  const model = modelEntry(modelName);
  const { scalars, relations, counts } = partition(modelName, model, query);
  const values: Prisma.Sql[] = [];
  const names: string[] = [];
  const decoders: (Decoder | null)[] = [];
  const add = (name: string, sql: Prisma.Sql, decode: Decoder | null) => {
    names.push(name);
    values.push(sql);
    decoders.push(decode);
  };
  if (counts.length) add("_count", countJson(modelName, counts, alias, nextAlias), null);
  for (const name of scalars) {
    const scalar = model.scalars[name]!;
    let value: ReturnType<typeof jsonValue>;
    try {
      value = jsonValue(columnRef(alias, scalar.column), scalar);
    } catch (error) {
      throw new Error(`${modelName}.${name}: ${(error as Error).message}`, { cause: error });
    }
    add(name, value.sql, value.decode);
  }
  for (const [name, nested] of relations) {
    const compiled = relationJson(modelName, name, nested, alias, nextAlias);
    add(name, compiled.sql, compiled.decode);
  }
  return {
    sql: Prisma.sql`json_build_array(${values.length ? Prisma.join(values, ", ") : Prisma.empty})`,
    decode: (array) => {
      const node: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i += 1) {
        const value = array[i];
        const decode = decoders[i];
        node[names[i]!] = value === null || !decode ? value : decode(value);
      }
      return node;
    },
  };
}
