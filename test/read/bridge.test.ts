import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { execute, parse, type GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import type PrismaTypes from "../../src/db/generated/pothos-types.js";
import { getDatamodel } from "../../src/db/generated/pothos-types.js";
import type { PrismaClient } from "../../src/db/generated/prisma/client.js";
import { planNodes, selectingFields } from "../../src/read/bridge.js";
import { buildSchema } from "../../src/schema/index.js";

/**
 * The contract between the read library and the internals it uses
 * (src/read/bridge.ts): the versions it was written against, the module it
 * loads by path, the extension keys it reads and the shape of a plan. An
 * upgrade that changes any of them fails here, by name, before it can
 * quietly turn one statement per list into one per row.
 */
const require = createRequire(import.meta.url);

function installedVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!dir.endsWith(path.join("node_modules", ...name.split("/")))) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
}

describe("the read library's bridge to Pothos and Prisma internals", () => {
  it("runs against the versions it was written for, pinned exactly", () => {
    const pinned = (JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> }).dependencies;
    const written = { "@pothos/plugin-prisma": "4.17.0", "@pothos/selection-mapper": "0.1.0", "@pothos/core": "4.15.1" };
    for (const [name, version] of Object.entries(written)) {
      expect(pinned[name], `${name} must stay pinned to ${version}: re-check src/read/bridge.ts before an upgrade`).toBe(version);
      expect(installedVersion(name), `${name} installed`).toBe(version);
    }
  });

  it("reads the selection of every field from plugin-prisma's extensions", () => {
    const fields = new Map(selectingFields(buildSchema()).map((field) => [`${field.typeName}.${field.fieldName}`, field]));
    expect(fields.get("Post.(the type's select)")?.selection).toEqual({
      select: { id: true, authorId: true, status: true, title: true, slug: true, commentCount: true },
    });
    expect(fields.get("Post.body")).toMatchObject({ model: "Post", selection: { select: { body: true } } });
    expect(fields.get("Post.author")?.selection).toEqual({ select: { author: {} } });
    expect(fields.get("Post.tags")?.selection).toEqual({ select: { tagLinks: { select: { tag: {} } } } });
    // Fields that select nothing (resolved from what the row has) are not listed.
    expect(fields.has("Post.id")).toBe(false);
  });

  it("plans a list's nodes from the document: columns, relations and the mappings the fields below read", async () => {
    const builder = new SchemaBuilder<{ Context: object; PrismaTypes: PrismaTypes; DefaultFieldNullability: false }>({
      plugins: [PrismaPlugin, RelayPlugin],
      defaultFieldNullability: false,
      prisma: { client: () => ({}) as PrismaClient, dmmf: getDatamodel(), onUnusedQuery: null },
      relay: { clientMutationId: "omit", cursorType: "String" },
    // The scope-auth plugin's options are required by its global types even where it is not used.
    scopeAuth: { authScopes: () => ({}) },
    });
    const User = builder.prismaObject("User", { fields: (t) => ({ handle: t.exposeString("handle") }) });
    const Post = builder.prismaObject("Post", { fields: (t) => ({ title: t.exposeString("title"), author: t.relation("author") }) });
    let planned: ReturnType<typeof planNodes> | undefined;
    builder.queryType({
      fields: (t) => ({
        posts: t.connection({
          type: Post,
          resolve: (_root, _args, ctx, info: GraphQLResolveInfo) => {
            planned = planNodes(ctx, info, "Post");
            return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
          },
        }),
      }),
    });
    void User;
    const result = await execute({ schema: builder.toSchema(), document: parse("{ posts { edges { node { title author { handle } } } } }"), contextValue: {} });
    expect(result.errors).toBeUndefined();
    // Types without a type-level select plan in include mode: every column, and the relations asked for.
    expect(planned!.query).toEqual({ include: { author: true } });
    expect(Object.keys(planned!.mappings)).not.toHaveLength(0);
  });
});
