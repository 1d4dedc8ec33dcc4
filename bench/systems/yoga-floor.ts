/**
 * The framework floor: graphql-yoga and graphql-js execution, the server
 * framework Inkwell is pinned to, over a perfect data layer. Every request
 * is parsed, validated and executed by Yoga, and every field is completed by
 * graphql-js's default resolver; the data comes from the ceiling's single
 * statement per request (bench/systems/ceiling.ts), whose JSON answer is
 * parsed back into objects. No context, no plugin, no auth, no cursor
 * signing: what any Yoga server must spend to serve these answers, so the
 * report can tell a target Inkwell misses from one its framework cannot
 * meet. Yoga's transport is set as Inkwell sets it (src/yoga.ts): no body
 * stream counting, no multipart, no landing page, no GraphiQL.
 */
import { createServer } from "node:http";
import { createSchema, createYoga } from "graphql-yoga";
import type { GraphQLResolveInfo } from "graphql";
import pg from "pg";
import { CEILING_SQL, ceilingParameters } from "./ceiling.js";

/** The part of Inkwell's schema the workloads ask for, with the same arguments, so the same documents validate. */
const TYPE_DEFS = /* GraphQL */ `
  type Query {
    users(first: Int, after: String): UserConnection!
    posts(first: Int, after: String): PostConnection!
    post(slug: String!): Post
    tag(name: String!): Tag
  }
  type User { handle: String! posts(first: Int, after: String): PostConnection! }
  type Post { title: String! author: User! tags: [Tag!]! comments(first: Int, after: String): CommentConnection! }
  type Comment { body: String! author: User! }
  type Tag { name: String! posts(first: Int, after: String): PostConnection! }
  type UserConnection { edges: [UserEdge!]! }
  type UserEdge { node: User! }
  type PostConnection { edges: [PostEdge!]! }
  type PostEdge { node: Post! }
  type CommentConnection { edges: [CommentEdge!]! }
  type CommentEdge { node: Comment! }
`;

function main() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
  /** A root field's whole answer from the ceiling's statement for the operation; the fields below it use default resolvers. */
  const fromCeiling = async (_parent: unknown, _args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
    const name = info.operation.name?.value;
    if (!name || !(name in CEILING_SQL)) throw new Error(`the framework floor serves the workloads' operations only, not ${name ?? "an anonymous one"}`);
    const statement = name as keyof typeof CEILING_SQL;
    const { rows } = await pool.query<{ body: string }>({ name: statement, text: CEILING_SQL[statement], values: ceilingParameters(statement, info.variableValues) });
    return (JSON.parse(rows[0]!.body) as { data: Record<string, unknown> }).data[info.fieldName];
  };
  const yoga = createYoga({
    schema: createSchema({ typeDefs: TYPE_DEFS, resolvers: { Query: { users: fromCeiling, posts: fromCeiling, post: fromCeiling, tag: fromCeiling } } }),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: false,
    logging: false,
    maxRequestBodySize: false,
    multipart: false,
  });
  createServer(yoga).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
}

main();
