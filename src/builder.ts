import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import InputLimitsPlugin from "./plugins/input-limits.js";
import { fieldCost } from "./plugins/query-cost.js";
import type { Context } from "./context.js";
import type PrismaTypes from "./db/generated/pothos-types.js";
import { getDatamodel } from "./db/generated/pothos-types.js";
import type { PrismaClient } from "./db/generated/prisma/client.js";
import { ForbiddenError, UnauthenticatedError } from "./errors.js";
import { MAX_CURSOR_LENGTH } from "./read/cursors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./read/window.js";
import { DateTime } from "./schema/date-time.js";
import { checkNodeId } from "./schema/ids.js";
import { visibleNode } from "./schema/node-visibility.js";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { signedIn: boolean; admin: boolean };
  Scalars: { DateTime: { Input: Date; Output: Date }; ID: { Input: string; Output: string | number } };
  // Non-null unless a field says otherwise: what the contract promises is what clients get.
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Input limits last: its wrapper is the outermost, so oversized input is refused before anything runs.
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin, InputLimitsPlugin],
  defaultFieldNullability: false,
  // Each field's cost, for useQueryCost (src/plugins/query-cost.ts), which
  // checks a whole operation once before it runs; the plugin's own check,
  // in every root field's resolver, is off.
  complexity: { disabled: true, fieldComplexity: fieldCost },
  scopeAuth: {
    authScopes: (ctx) => ({ signedIn: ctx.viewer !== null, admin: ctx.viewer?.role === "ADMIN" }),
    unauthorizedError: (_parent, ctx) => (ctx.viewer ? new ForbiddenError() : new UnauthenticatedError()),
  },
  prisma: {
    // Resolved per context object: a mutation runs on a copy of the request
    // context whose reader is its unit of work, so every planned query, fallback
    // query and payload read of the operation goes through that transaction.
    // (A transaction client lacks only $connect/$transaction/$on, which Pothos never calls.)
    client: (ctx) => ctx.reader.prisma as PrismaClient,
    dmmf: getDatamodel(),
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // Cursors are short; a longer string is not one of ours (src/read/cursors.ts).
    firstArgOptions: { description: `Items from the start; ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}.` },
    lastArgOptions: { description: `Items from the end; at most ${MAX_PAGE_SIZE}.` },
    afterArgOptions: { extensions: { maxLength: MAX_CURSOR_LENGTH } },
    beforeArgOptions: { extensions: { maxLength: MAX_CURSOR_LENGTH } },
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: {
      resolve: async (_root, { id }, ctx, info, resolveNode) => {
        checkNodeId(id, info.schema, "id");
        return visibleNode(id.typename, await resolveNode(id), ctx);
      },
    },
    nodesQueryOptions: {
      resolve: async (_root, { ids }, ctx, info, resolveNodes) => {
        ids.forEach((id, index) => checkNodeId(id, info.schema, `ids.${index}`));
        const rows = await resolveNodes(ids);
        return ids.map((id, i) => visibleNode(id.typename, rows[i], ctx));
      },
    },
  },
});

builder.addScalarType("DateTime", DateTime);
