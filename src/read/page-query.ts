import type { Viewer } from "../auth/tokens.js";
import { Prisma } from "../db/generated/prisma/client.js";
import { columnRef, ident, type ModelName } from "./model.js";
import type { CompiledSelection } from "./compile.js";
import { plannedLimit } from "../db/planned-limit.js";
import { AHEAD_COLUMN, type SqlRunner } from "../db/sql-runner.js";
import type { CursorValue } from "./cursors.js";
import { cursorValue, keysetConditions, orderByKeys, type SortKey } from "./keyset.js";
import { jsonDecoder, jsonValue, scalarOf } from "./json-values.js";
import { MAX_PAGE_SIZE, type PageWindow } from "./window.js";

/**
 * Where the rows of one list come from, written as SQL by the domain that
 * owns the list: the tables (the node's own table aliased `x`), the
 * filters, including visibility, and the order. The page query wraps it with
 * the keyset conditions, the order and the LIMIT, and the selection the
 * document planned.
 */
/** The arguments of a list that has none of its own beyond paging. */
export type NoListArgs = Record<never, never>;

export interface PageSource<Args = NoListArgs> {
  /** The model of the list's nodes. */
  readonly model: ModelName;
  /**
   * What a cursor of this list is bound to: the list, its order and filters,
   * and its parent. A cursor issued for another scope is rejected.
   */
  scope(args: Args, parentKey: number | null): string;
  order(args: Args): readonly SortKey[];
  /**
   * The row sources. More than one only to pick the right index per parent
   * (for example, every status for the author, one for everyone else); they
   * must be mutually exclusive for any one parent, each guarded by a
   * condition on `parent` alone, which PostgreSQL checks once per parent.
   */
  branches(input: { parent: Prisma.Sql | null; viewer: Viewer | null; args: Args }): PageBranch[];
  /**
   * Values an edge carries besides its node (a search match's rank and
   * excerpt), as SQL over the row source, by name. Computed for the rows of
   * the page only.
   */
  edgeValues?(args: Args): Readonly<Record<string, EdgeValue>>;
  /**
   * A list whose order needs every match before it can cut a page (a
   * search ranked by relevance): its cost follows the matches, not the
   * page, so a root list of it takes a turn of the instance's costly reads
   * (src/read/costly-reads.ts).
   */
  readonly costFollowsMatches?: boolean;
  /**
   * The list's count under `parent`, where triggers keep it in a row of
   * its own (a post's comment_count, an author's counts by status), as an
   * SQL expression: a count then reads one row per parent instead of every
   * row of the list. It must count what the branches would, for the same
   * viewer and arguments: a source whose branches filter on something no
   * stored count follows has none.
   */
  storedCount?(input: { parent: Prisma.Sql; viewer: Viewer | null; args: Args }): Prisma.Sql;
}

/** A value an edge carries: SQL over the row source, and its type (as a sort key's, for it to travel in JSON the same way). */
export interface EdgeValue {
  readonly expr: Prisma.Sql;
  readonly type: SortKey["type"];
}

export interface PageBranch {
  /** The FROM clause: the node's table as `x`, joined to whatever the list needs. */
  readonly from: Prisma.Sql;
  readonly where: readonly Prisma.Sql[];
}

/** One row of a page: the node as Prisma would return it, its sort key values for its cursor, and its edge values. */
export interface PageRow {
  readonly node: Record<string, unknown>;
  readonly keys: readonly CursorValue[];
  readonly values: Readonly<Record<string, unknown>>;
}

/** One list as a request reads it: its source, its arguments, and who reads. */
export interface ListRead<Args> {
  readonly source: PageSource<Args>;
  readonly args: Args;
  readonly viewer: Viewer | null;
}

/** One page of a list: which rows (the window) and what of them (the compiled selection). */
export interface PageRead<Args> extends ListRead<Args> {
  readonly window: PageWindow;
  readonly selection: CompiledSelection;
}

const PARENT = Prisma.raw('"p"."key"');
const TRUE = Prisma.sql`TRUE`;

/**
 * The bound PostgreSQL plans a page for: every page, MAX_PAGE_SIZE rows
 * and the one more, as a planned LIMIT (src/db/planned-limit.ts: one text
 * for every page size, and no value of the request's). The page's own size
 * stays a bound parameter, in a LIMIT around it. For `LIMIT $n` alone, a
 * root list of 10,000 posts was planned as a parallel scan of the whole
 * table and a sort instead of an index walk (25 ms against 0.4 ms).
 * Knowing that at most this many rows follow, PostgreSQL plans the index
 * walk, and the outer LIMIT stops the walk at the page's own rows.
 */
function plannedRows(limit: number): Prisma.Sql {
  return plannedLimit(Math.max(limit, MAX_PAGE_SIZE + 1));
}

/**
 * The window's rows (plus one, to know whether more follow) of the list
 * under `parent` (an SQL expression; null for a root list), as one subquery
 * per branch that walks the list's index, united, each branch also under
 * `guard` (a condition on a row of an enclosing statement) when given; and
 * its sort key and edge value columns and their order, and each row as one
 * JSON array, over an alias of the caller's.
 */
function windowRows<Args>({ source, args, viewer, window, selection }: PageRead<Args>, parent: Prisma.Sql | null, guard: Prisma.Sql | null = null) {
  const branches = source.branches({ parent, viewer, args });
  if (!branches.length) return null;
  const order = source.order(args);
  const edgeValues = Object.entries(source.edgeValues?.(args) ?? {});
  const columns = Prisma.join(
    [
      selection.sourceColumns,
      ...order.map((key, i) => Prisma.sql`${key.expr} AS ${ident(`__k${i}`)}`),
      ...edgeValues.map(([name, value]) => Prisma.sql`${value.expr} AS ${ident(`__v_${name}`)}`),
    ],
    ", ",
  );
  const keyset = keysetConditions(order, window);
  const innerOrder = orderByKeys(order, order.map((key) => key.expr), window.backward);
  const keyColumns = (alias: string) => [
    ...order.map((_, i) => columnRef(alias, `__k${i}`)),
    ...edgeValues.map(([name]) => columnRef(alias, `__v_${name}`)),
  ];
  const outerOrder = (alias: string) => orderByKeys(order, keyColumns(alias).slice(0, order.length), window.backward);
  // The row's sort keys, edge values and node as one JSON array (a page read ahead, aheadPage), and last the row's own page read ahead, or null.
  const jsonRow = (alias: string, innerPage: Prisma.Sql | null) =>
    Prisma.sql`json_build_array(${Prisma.join(
      [
        ...order.map((key, i) => jsonValue(columnRef(alias, `__k${i}`), scalarOf(key.type)).sql),
        ...edgeValues.map(([name, value]) => jsonValue(columnRef(alias, `__v_${name}`), scalarOf(value.type)).sql),
        selection.json.object,
        innerPage ?? Prisma.sql`NULL`,
      ],
      ", ",
    )})`;
  const limit = window.size + 1;
  const planned = plannedRows(limit);
  const rows = Prisma.join(
    branches.map((branch) => {
      const where = [...(guard ? [guard] : []), ...branch.where, ...keyset];
      return Prisma.sql`(SELECT * FROM (SELECT ${columns} FROM ${branch.from} WHERE ${where.length ? Prisma.join(where, " AND ") : TRUE}
        ORDER BY ${innerOrder} LIMIT ${planned}) AS "w" ORDER BY ${outerOrder("w")} LIMIT ${limit})`;
    }),
    " UNION ALL ",
  );
  // The rows numbered `__n` in list order (1 for the first), cut to the window's.
  const numbered = () => {
    const numberedOrder = outerOrder("u");
    return Prisma.sql`SELECT "u".*, (row_number() OVER (ORDER BY ${numberedOrder}))::int AS "__n" FROM (${rows}) AS "u" ORDER BY ${numberedOrder} LIMIT ${limit}`;
  };
  return { rows, limit, branchCount: branches.length, keyColumns, outerOrder, jsonRow, numbered };
}

/**
 * One statement for the window's rows (plus one, to know whether more
 * follow) of the list under each of `parentKeys`: a LATERAL subquery per
 * parent that reads only those rows through the list's index, whatever the
 * number of rows behind them. Root lists pass `null` and read one range.
 * Null when the source has no branch (a search for nothing): no rows, no statement.
 */
export function pageStatement<Args>(read: PageRead<Args>, parentKeys: readonly number[] | null): Prisma.Sql | null {
  const page = windowRows(read, parentKeys ? PARENT : null);
  if (!page) return null;
  const { selectList } = read.selection;
  if (parentKeys) {
    return Prisma.sql`SELECT "p"."key" AS "__parent", ${Prisma.join(page.keyColumns("t"), ", ")}, ${selectList}
      FROM unnest(${parentKeys}::int[]) WITH ORDINALITY AS "p"("key", "ord")
      CROSS JOIN LATERAL (${page.rows}) AS "t"
      ORDER BY "p"."ord", ${page.outerOrder("t")}`;
  }
  return Prisma.sql`SELECT ${Prisma.join(page.keyColumns("t"), ", ")}, ${selectList}
    FROM (${page.rows}) AS "t" ORDER BY ${page.outerOrder("t")}${page.branchCount > 1 ? Prisma.sql` LIMIT ${page.limit}` : Prisma.empty}`;
}

/**
 * A nested list's first page under each row of an enclosing statement,
 * which names its row source `t`, read in that statement's round trip
 * (src/read/prefetch.ts): `columns` go in its select list (the row's key as
 * `__parent`, and the page as one JSON column, AHEAD_COLUMN), and `keep`
 * hands the pages it read to the list's resolvers.
 */
export interface PagesAhead {
  readonly columns: Prisma.Sql;
  keep(rows: readonly Record<string, unknown>[]): void;
}

/**
 * The rows of a nested list's page under `parent`, a row of an enclosing
 * statement, as one JSON array: an element per page row (its sort keys, its
 * edge values and its node, each as src/read/json-values.ts has it travel),
 * in list order, and '[]' for none. One value per enclosing row, not a row
 * per page row: `pg` parses one JSON text natively where it would parse
 * each page row's columns, with the enclosing row's repeated beside them
 * (bench:ab, W4 deep: CPU 0.88×). `read.selection` must be compiled over
 * `alias`; `guard`, a condition on the enclosing row alone, skips the page
 * for rows it is false for (PostgreSQL checks it once per row).
 *
 * Each element ends with the page read ahead below its row, or null. With
 * `inner`, each row of the page carries that page of its own: `inner` is
 * given the condition that a row of this page is answered (one of the
 * window's rows, not the one more that says more follow) and returns that
 * page's value over `alias`, so the page below is read for the answered
 * rows only. SqlRunner's rowsReturned counts the rows
 * of every level.
 */
export function aheadPage<Args>(
  read: PageRead<Args>,
  parent: Prisma.Sql,
  alias: string,
  guard: Prisma.Sql | null = null,
  inner: ((answered: Prisma.Sql) => Prisma.Sql | null) | null = null,
) {
  const page = windowRows(read, parent, guard);
  if (!page) return null;
  const decodeRow = jsonRowDecoder(read);
  const innerPage = inner?.(Prisma.sql`${columnRef(alias, "__n")} <= ${read.window.size}`) ?? null;
  const value = Prisma.sql`(SELECT coalesce(json_agg(${page.jsonRow(alias, innerPage)} ORDER BY ${page.outerOrder(alias)}), '[]'::json)
      FROM (${innerPage ? page.numbered() : page.rows}) AS ${ident(alias)})`;
  return {
    /** The page as a column of the enclosing statement, AHEAD_COLUMN. */
    column: Prisma.sql`${value} AS ${ident(AHEAD_COLUMN)}`,
    /** The page as a value, for an enclosing page's rows to carry (`inner`). */
    value,
    /** The page an enclosing row of the result carries, AHEAD_COLUMN. */
    ofRow: (row: Record<string, unknown>): unknown => row[AHEAD_COLUMN],
    /** The page's rows, in list order, from its parsed value; and with `inner`, each answered row's own page, parsed. */
    decode(raw: unknown): { rows: PageRow[]; inner: unknown[] } {
      const elements = raw as unknown[][];
      return {
        rows: elements.map(decodeRow),
        inner: innerPage ? elements.slice(0, read.window.size).map((element) => element[element.length - 1]) : [],
      };
    },
  };
}

/** How a page row's JSON array becomes the page row a result row gives (pageRow). */
function jsonRowDecoder<Args>({ source, args, selection }: PageRead<Args>): (element: unknown[]) => PageRow {
  const decoders = (types: readonly SortKey["type"][]) => types.map((type) => jsonDecoder(scalarOf(type)));
  const keyDecoders = decoders(source.order(args).map((key) => key.type));
  const values = Object.entries(source.edgeValues?.(args) ?? {});
  const valueDecoders = decoders(values.map(([, value]) => value.type));
  const nodeAt = keyDecoders.length + values.length;
  const decoded = (raw: unknown, decode: ((value: unknown) => unknown) | null) => (raw === null || !decode ? raw : decode(raw));
  return (element) => {
    const keys: CursorValue[] = [];
    for (let i = 0; i < keyDecoders.length; i += 1) keys.push(cursorValue(decoded(element[i], keyDecoders[i]!)));
    let own = NO_VALUES;
    if (values.length) {
      const byName: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i += 1) byName[values[i]![0]] = decoded(element[keyDecoders.length + i], valueDecoders[i]!);
      own = byName;
    }
    return { node: selection.json.decode(element[nodeAt] as unknown[]), keys, values: own };
  };
}

/**
 * One statement counting the whole list under each of `parentKeys`, with
 * the same branches (and so the same visibility rule and filters) as its
 * pages: a count per parent over the list's index, summed across branches,
 * which are mutually exclusive; or the count a trigger keeps, for a source
 * that has one (storedCount). Null, like pageStatement, for a source with no branch.
 */
export function countStatement<Args>({ source, args, viewer }: ListRead<Args>, parentKeys: readonly number[]): Prisma.Sql | null {
  const branches = source.branches({ parent: PARENT, viewer, args });
  if (!branches.length) return null;
  if (source.storedCount) {
    return Prisma.sql`SELECT "p"."key" AS "__parent", coalesce((${source.storedCount({ parent: PARENT, viewer, args })}), 0)::int AS "count"
      FROM unnest(${parentKeys}::int[]) AS "p"("key")`;
  }
  const counts = branches.map(
    (branch) => Prisma.sql`(SELECT count(*) FROM ${branch.from} WHERE ${branch.where.length ? Prisma.join(branch.where, " AND ") : TRUE})`,
  );
  return Prisma.sql`SELECT "p"."key" AS "__parent", (${Prisma.join(counts, " + ")})::int AS "count"
    FROM unnest(${parentKeys}::int[]) AS "p"("key")`;
}

/** Runs a nested list's count statement for many parents; the counts in `parentKeys` order. */
export async function loadCounts<Args>(sql: SqlRunner, read: ListRead<Args>, parentKeys: readonly number[]): Promise<number[]> {
  const distinct = [...new Set(parentKeys)];
  const statement = countStatement(read, distinct);
  if (!statement) return parentKeys.map(() => 0);
  const rows = await sql.query<{ __parent: number; count: number }>(statement);
  const byParent = new Map(rows.map((row) => [row.__parent, row.count]));
  return parentKeys.map((key) => byParent.get(key) ?? 0);
}

/**
 * Runs a root list's page statement; with `ahead`, the statement also reads
 * the first nested page of each row on the page, in a JSON column of the
 * row (aheadPage): the rows are numbered `__n` in list order, so the page
 * is read only for the rows that are answered.
 */
export async function loadPage<Args>(sql: SqlRunner, read: PageRead<Args>, ahead: PagesAhead | null = null): Promise<PageRow[]> {
  const shape = rowShape(read);
  let rows: Record<string, unknown>[];
  if (!ahead) {
    const statement = pageStatement(read, null);
    if (!statement) return [];
    rows = await sql.query(statement);
  } else {
    const page = windowRows(read, null);
    if (!page) return [];
    rows = await sql.query(
      Prisma.sql`SELECT ${Prisma.join(page.keyColumns("t"), ", ")}, ${read.selection.selectList}, ${ahead.columns}
        FROM (${page.numbered()}) AS "t" ORDER BY ${page.outerOrder("t")}`,
    );
    ahead.keep(rows);
  }
  return rows.map((row) => pageRow(row, read.selection, shape));
}

/** Runs a nested list's page statement for many parents; the rows of each parent, in `parentKeys` order. */
export async function loadPages<Args>(sql: SqlRunner, read: PageRead<Args>, parentKeys: readonly number[]): Promise<PageRow[][]> {
  // A loader without a cache (inside a mutation) may ask for a parent twice; read it once.
  const distinct = [...new Set(parentKeys)];
  const statement = pageStatement(read, distinct);
  if (!statement) return parentKeys.map(() => []);
  const shape = rowShape(read);
  const rows = await sql.query(statement);
  const byParent = new Map<number, PageRow[]>(distinct.map((key) => [key, []]));
  for (const row of rows) byParent.get(row.__parent as number)!.push(pageRow(row, read.selection, shape));
  return parentKeys.map((key) => byParent.get(key)!);
}

/** Where a page row's sort keys and edge values are among the columns of a result row. */
interface RowShape {
  readonly keyColumns: readonly string[];
  /** Each edge value's name and column. */
  readonly valueColumns: readonly (readonly [string, string])[];
}

/**
 * The columns' names are made here, once per statement, not once per row:
 * a name built for each row is a new string the row object is searched
 * for by hashing it first.
 */
function rowShape<Args>({ source, args }: ListRead<Args>): RowShape {
  const valueNames = Object.keys(source.edgeValues?.(args) ?? {});
  return {
    keyColumns: source.order(args).map((_, i) => `__k${i}`),
    valueColumns: valueNames.map((name) => [name, `__v_${name}`] as const),
  };
}

const NO_VALUES: Readonly<Record<string, unknown>> = Object.freeze({});

function pageRow(row: Record<string, unknown>, selection: CompiledSelection, shape: RowShape): PageRow {
  const keys: CursorValue[] = [];
  for (const column of shape.keyColumns) keys.push(cursorValue(row[column]));
  let values = NO_VALUES;
  if (shape.valueColumns.length) {
    const own: Record<string, unknown> = {};
    for (const [name, column] of shape.valueColumns) own[name] = row[column];
    values = own;
  }
  return { node: selection.decode(row), keys, values };
}
