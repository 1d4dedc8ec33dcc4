import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/**
 * The PostgreSQL extensions Inkwell's migrations create, loaded into every
 * embedded database (PGlite compiles each one in, and a database made or
 * dumped without it cannot use it): pg_trgm, for the trigram indexes of
 * users(search).
 */
export const PGLITE_EXTENSIONS = { pg_trgm };
