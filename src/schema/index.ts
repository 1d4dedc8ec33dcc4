import { builder } from "../builder.js";

import "./post/types.js";
import "./post/queries.js";
import "./post/mutations.js";
import "./post/import-mutation.js";
import "./post/search.js";
import "./stats/types.js";
import "./user/types.js";
import "./user/queries.js";
import "./user/mutations.js";
import "./auth/types.js";
import "./auth/mutations.js";
import "./comment/types.js";
import "./comment/mutations.js";
import "./tag/types.js";
import "./tag/queries.js";
import "./credits/types.js";
import "./credits/mutations.js";

builder.queryType({});
builder.mutationType({});

let schema: ReturnType<typeof builder.toSchema> | undefined;

/** The executable schema, built once on first use (not on import). */
export function buildSchema() {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}
