import type { Viewer } from "../auth/tokens.js";
import type { CostlyReads } from "./costly-reads.js";
import type { Db } from "../db/handles.js";
import type { SqlRunner } from "../db/sql-runner.js";
import type { CursorCodec } from "./cursors.js";
import type { PageLoaders } from "./page-loaders.js";

/**
 * What the read library needs of a request, handed over by the resolver
 * that reads: who reads (every page source and lookup applies its domain's
 * access rule for them), where the statements go, the request's batch
 * loaders of nested pages and the cursor codec. Inside a mutation it is the
 * unit of work's: `prisma` and `sql` are its transaction, and the loaders
 * keep no answers (a later root field may change them).
 */
export interface Reader {
  readonly viewer: Viewer | null;
  /** plugin-prisma's client for this request: the shared client, or the unit of work's transaction. */
  readonly prisma: Db;
  /** The project's own SQL, on the same connection as `prisma` inside a unit of work. */
  readonly sql: SqlRunner;
  readonly pages: PageLoaders;
  readonly cursors: CursorCodec;
  /** The instance's turns for lists whose cost follows their matches (PageSource.costFollowsMatches). */
  readonly costlyReads: CostlyReads;
}

/**
 * The resolver context as the read library sees it. The object itself is
 * also the key plugin-prisma files the request's planned rows under, so it
 * must be the very context object the resolvers below receive.
 */
export interface ReadContext {
  readonly reader: Reader;
}

/** A node type as the read library takes it: a Pothos object ref (its name, and the row type its fields read). */
export interface NodeTypeRef {
  readonly name: string;
  readonly $inferType: unknown;
}
