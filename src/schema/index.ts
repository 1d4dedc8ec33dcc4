import { GraphQLDeferDirective, GraphQLStreamDirective } from "@graphql-tools/utils";
import { specifiedDirectives } from "graphql";
import { builder } from "../builder.js";
import { assertReadable } from "../read/readable.js";

import "./post/types.js";
import "./post/queries.js";
import "./post/mutations.js";
import "./post/subscriptions.js";
import "./stats/types.js";
import "./user/types.js";
import "./user/queries.js";
import "./user/mutations.js";
import "./auth/types.js";
import "./auth/mutations.js";
import "./comment/types.js";
import "./comment/mutations.js";
import "./comment/subscriptions.js";
import "./tag/types.js";
import "./tag/queries.js";
import "./credits/types.js";
import "./credits/mutations.js";
import "./credits/subscriptions.js";
import "./admin/mutations.js";
import "./admin/queries.js";

builder.queryType({});
/**
 * Every mutation needs a signed-in viewer unless it says otherwise
 * (`skipTypeScopes: true`, for signUp and logIn alone): a new mutation is
 * closed until someone opens it, and test/schema/access.test.ts fails on one
 * that is open without being on its allow-list.
 */
builder.mutationType({ authScopes: { signedIn: true } });
/** Subscriptions are served as server-sent events (src/plugins/subscriptions.ts); each field says who may subscribe. */
builder.subscriptionType({});

let schema: ReturnType<typeof builder.toSchema> | undefined;

/** The executable schema, built once on first use (not on import). */
export function buildSchema() {
  // @defer and @stream are part of the schema (and of schema.graphql), so SDK generators accept
  // documents that use them; useIncrementalDelivery (src/plugins/defer-stream.ts) executes them.
  if (!schema) {
    schema = builder.toSchema({ sortSchema: true, directives: [...specifiedDirectives, GraphQLDeferDirective, GraphQLStreamDirective] });
    // A field the read library cannot plan fails here, at start, not in the request that first lists its type.
    assertReadable(schema);
  }
  return schema;
}
