import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import { execute, parse, type FieldNode } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import type PrismaTypes from "../../src/db/generated/pothos-types.js";
import { getDatamodel } from "../../src/db/generated/pothos-types.js";
import type { PrismaClient } from "../../src/db/generated/prisma/client.js";
import { constantSelection } from "../../src/read/plans.js";
import { testDatabaseKinds } from "../support/databases.js";
import { createPost, expectNoErrors, signUp } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * A list's plan is kept with the document (src/read/plans.ts), and
 * made again per request when a variable below the list can change what
 * its nodes select. Either way the nodes come back complete, in one
 * statement.
 */
describe.each(testDatabaseKinds)("list plans kept with the document on %s", (kind) => {
  const app = useTestApp(kind);
  let handle: string;

  beforeAll(async () => {
    const author = await signUp(app.current);
    handle = author.handle;
    await createPost(app.current, author, { title: "With a body", body: "The body itself." });
  });

  const query = `query($h: String!, $withBody: Boolean!) { user(handle: $h) { posts(first: 1) {
    edges { node { title body @include(if: $withBody) } } } } }`;

  it("answers a variable-dependent selection as each request asks, again and again", async () => {
    for (const withBody of [false, true, false, true]) {
      const response = await app.current.graphql(query, { variables: { h: handle, withBody } });
      expectNoErrors(response);
      const node = response.body.data!.user.posts.edges[0].node;
      expect(node).toEqual(withBody ? { title: "With a body", body: "The body itself." } : { title: "With a body" });
      expect(response.statements).toHaveLength(1); // the user with the page joined to it, and what the page needs
    }
  });

  it("reuses a constant selection's plan across requests without losing fields", async () => {
    const constant = `query($h: String!) { user(handle: $h) { posts(first: 1) { edges { node { title body author { handle } } } } } }`;
    for (let i = 0; i < 3; i += 1) {
      const response = await app.current.graphql(constant, { variables: { h: handle } });
      expectNoErrors(response);
      expect(response.body.data!.user.posts.edges[0].node).toEqual({ title: "With a body", body: "The body itself.", author: { handle } });
      expect(response.statements).toHaveLength(1);
    }
  });
});

/**
 * Which variables can change a plan (constantSelection): only one deciding
 * whether a selection is there, or one an argument passes to a field whose
 * selection is computed from its arguments. Checked on a schema of its own,
 * since Inkwell's has no field of the second kind yet.
 */
describe("the variables that make a plan per request", () => {
  const builder = new SchemaBuilder<{ Context: object; PrismaTypes: PrismaTypes }>({
    plugins: [PrismaPlugin],
    prisma: { client: () => ({}) as PrismaClient, dmmf: getDatamodel(), onUnusedQuery: null },
    // The scope-auth plugin's options are required by its global types even where it is not used.
    scopeAuth: { authScopes: () => ({}) },
  });
  const Post = builder.prismaObject("Post", {
    fields: (t) => ({
      title: t.exposeString("title"),
      // Like every list of the read library: plugin-prisma plans nothing for it, its resolver reads its arguments.
      comments: t.string({ args: { after: t.arg.string() }, resolve: () => null }),
      headline: t.string({
        args: { full: t.arg.boolean() },
        select: (args) => (args.full ? { body: true } : { title: true }),
        resolve: () => null,
      }),
    }),
  });
  let seen: FieldNode | null | undefined;
  builder.queryType({
    fields: (t) => ({
      post: t.field({
        type: Post,
        resolve: (_root, _args, _ctx, info) => {
          seen = constantSelection(info);
          return null;
        },
      }),
    }),
  });
  const schema = builder.toSchema();

  async function keptWithDocument(source: string, variableValues: Record<string, unknown> = {}): Promise<boolean> {
    seen = undefined;
    const result = await execute({ schema, document: parse(source), variableValues, contextValue: {} });
    expect(result.errors).toBeUndefined();
    expect(seen).not.toBeUndefined();
    return seen !== null;
  }

  it("keeps the plan when the variables below reach only resolvers, like a nested list's cursor", async () => {
    expect(await keptWithDocument(`query($a: String) { post { title comments(after: $a) } }`, { a: "x" })).toBe(true);
    expect(await keptWithDocument(`{ post { headline(full: true) } }`)).toBe(true);
  });

  it("plans per request when a variable decides whether a selection is there", async () => {
    expect(await keptWithDocument(`query($b: Boolean!) { post { title @include(if: $b) } }`, { b: true })).toBe(false);
    expect(await keptWithDocument(`query($b: Boolean!) { post { ... @skip(if: $b) { title } } }`, { b: false })).toBe(false);
  });

  it("plans per request when a variable is an argument of a field whose selection reads its arguments, fragments included", async () => {
    expect(await keptWithDocument(`query($f: Boolean) { post { headline(full: $f) } }`, { f: true })).toBe(false);
    expect(await keptWithDocument(`query($f: Boolean) { post { ...F } } fragment F on Post { headline(full: $f) }`, { f: true })).toBe(false);
  });
});
