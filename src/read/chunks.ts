import { Prisma } from "../db/generated/prisma/client.js";
import { plannedLimit } from "../db/planned-limit.js";
import type { SqlRunner } from "../db/sql-runner.js";
import type { CompiledSelection } from "./compile.js";

/**
 * The rows a chunked read walks: a table aliased `x` and the conditions
 * that pick its rows, in primary-key (`id`) order.
 */
export interface ChunkSource {
  readonly from: Prisma.Sql;
  readonly where: readonly Prisma.Sql[];
}

/**
 * One keyset chunk for the exports (the streamed `exportPosts` and
 * `npm run export`): `size` rows after `afterId` in id order, with the
 * selection's columns and relations, in one statement that is one index
 * range scan however far into the table it is. The selection is compiled
 * over the source alias "t", as every list's is (src/read/plans.ts). The
 * chunk's size is a planned LIMIT (src/db/planned-limit.ts), so a chunk is
 * planned as the rows it reads.
 */
export async function readChunk(sql: SqlRunner, source: ChunkSource, selection: CompiledSelection, afterId: number, size: number): Promise<Record<string, unknown>[]> {
  const where = Prisma.join([Prisma.sql`"x"."id" > ${afterId}`, ...source.where], " AND ");
  const rows = await sql.query(
    Prisma.sql`SELECT ${selection.selectList} FROM (SELECT ${selection.sourceColumns} FROM ${source.from} WHERE ${where} ORDER BY "x"."id" LIMIT ${plannedLimit(size)}) AS "t" ORDER BY "t"."id"`,
  );
  return rows.map((row) => selection.decode(row));
}

