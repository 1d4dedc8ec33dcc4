import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { buildSchema } from "../../src/schema/index.js";
import { useTestApp } from "../support/test-app.js";

/**
 * Root fields are closed unless they are on these lists, each with the
 * reason it is open. A field added without a decision fails here.
 */
const PUBLIC_MUTATIONS: Record<string, string> = {
  signUp: "how a viewer comes to be",
  logIn: "how a viewer comes to be",
};
const PUBLIC_QUERIES: Record<string, string> = {
  node: "answers only what the viewer may see (drafts are NOT_FOUND to others)",
  nodes: "the same, for many ids",
  post: "a published post, or the viewer's own draft",
  posts: "the public feed",
  search: "published posts only",
  stats: "site figures from published posts",
  tag: "tags of published posts",
  tags: "the same",
  user: "public profiles",
  users: "public profiles",
  viewer: "null for an anonymous viewer",
};

interface PothosFieldOptions {
  authScopes?: Record<string, boolean>;
  skipTypeScopes?: boolean;
}
const optionsOf = (field: GraphQLField<unknown, unknown>) => ((field.extensions as { pothosOptions?: PothosFieldOptions }).pothosOptions ?? {});

describe("access to root fields", () => {
  const schema = buildSchema();
  const mutations = Object.values(schema.getMutationType()!.getFields());
  const queries = Object.values(schema.getQueryType()!.getFields());

  it("closes every mutation but the allow-listed ones (the Mutation type's scope), and every query not allow-listed declares a scope", () => {
    // Deny by default: the scope is on the type, so a mutation that declares nothing is closed.
    const mutationType = schema.getMutationType()!;
    expect((mutationType.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes).toEqual({ signedIn: true });
    expect(mutations.filter((field) => optionsOf(field).skipTypeScopes).map((field) => field.name).sort()).toEqual(Object.keys(PUBLIC_MUTATIONS).sort());
    const openQueries = queries.filter((field) => !optionsOf(field).authScopes).map((field) => field.name);
    expect(openQueries.filter((name) => !(name in PUBLIC_QUERIES))).toEqual([]);
    expect(Object.keys(PUBLIC_QUERIES).filter((name) => !openQueries.includes(name))).toEqual([]);
  });

  const app = useTestApp("pglite");

  it("answers every closed mutation UNAUTHENTICATED to an anonymous caller, with well-formed arguments, and writes nothing", async () => {
    const closed = mutations.filter((field) => !(field.name in PUBLIC_MUTATIONS));
    expect(closed.length).toBeGreaterThan(10);
    for (const field of closed) {
      const variables = Object.fromEntries(field.args.map((arg) => [arg.name, sample(arg.type, `${field.name}.${arg.name}`)]));
      const definitions = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(", ");
      const call = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
      const selection = isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
      const document = `mutation${definitions ? `(${definitions})` : ""} { ${field.name}${call ? `(${call})` : ""}${selection} }`;
      const response = await app.current.graphql(document, { variables });
      expect({ field: field.name, codes: response.body.errors?.map((error) => error.extensions?.code) }).toEqual({ field: field.name, codes: ["UNAUTHENTICATED"] });
    }
    expect(await app.current.app.database.prisma.auditEvent.count()).toBe(0);
  });
});

/** A global id of the type a field's name says (deleteComment's id is a Comment's, toUserId a User's). */
function idFor(path: string): string {
  const typename = /comment/i.test(path) ? "Comment" : /user/i.test(path) ? "User" : "Post";
  return Buffer.from(`${typename}:1`).toString("base64");
}

/** A small valid value of an input type: what a client that means well would send. */
function sample(type: GraphQLInputType, path: string): unknown {
  if (isNonNullType(type)) return sample(type.ofType, path);
  if (isListType(type)) return [sample(type.ofType, path)];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((field) => isNonNullType(field.type));
    return Object.fromEntries(fields.map((field) => [field.name, sample(field.type, `${path}.${field.name}`)]));
  }
  if (isScalarType(named)) {
    return ({ Int: 1, Float: 1, Boolean: true, DateTime: "2026-01-01T00:00:00Z", ID: idFor(path) } as Record<string, unknown>)[named.name] ?? "text";
  }
  return null;
}
