// PostGraphile 4.14 over the benchmark database: the best-known peer that
// compiles GraphQL to SQL. Installed apart from Inkwell (see package.json).
import { createServer } from "node:http";
import pg from "pg";
import { postgraphile } from "postgraphile";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
const handler = postgraphile(pool, "public", {
  graphqlRoute: "/graphql",
  disableQueryLog: true,
  watchPg: false,
  retryOnInitFail: false,
  setofFunctionsContainNulls: false,
  disableDefaultMutations: true,
});
createServer(handler).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
