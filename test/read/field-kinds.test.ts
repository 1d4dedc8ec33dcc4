import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { execute, parse } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import type PrismaTypes from "../../src/db/generated/pothos-types.js";
import { getDatamodel } from "../../src/db/generated/pothos-types.js";
import { Prisma, type PrismaClient } from "../../src/db/generated/prisma/client.js";
import { SqlLog, withSqlLog } from "../../src/db/sql-log.js";
import { CostlyReads } from "../../src/read/costly-reads.js";
import { createCursorCodec } from "../../src/read/cursors.js";
import { sortKey } from "../../src/read/keyset.js";
import { rootListResolver } from "../../src/read/lists.js";
import { PageLoaders } from "../../src/read/page-loaders.js";
import type { PageSource } from "../../src/read/page-query.js";
import { assertReadable } from "../../src/read/readable.js";
import type { ReadContext } from "../../src/read/reader.js";
import { testDatabaseKinds } from "../support/databases.js";
import { addComment, createPost, signUp, type TestUser } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";

/**
 * Every field kind plugin-prisma offers on a type that can be a list's node
 * either reads through a paged list in its one statement, or is refused when
 * the schema is built (src/read/readable.ts). A scratch schema, beside the
 * real one, holds a type with each kind.
 */
function scratchBuilder() {
  return new SchemaBuilder<{ Context: ReadContext; PrismaTypes: PrismaTypes; DefaultFieldNullability: false }>({
    plugins: [PrismaPlugin, RelayPlugin],
    defaultFieldNullability: false,
    prisma: { client: (ctx) => ctx.reader.prisma as PrismaClient, dmmf: getDatamodel(), onUnusedQuery: null },
    relay: { clientMutationId: "omit", cursorType: "String" },
    // The scope-auth plugin's options are required by its global types even where it is not used.
    scopeAuth: { authScopes: () => ({}) },
  });
}

type ScratchBuilder = ReturnType<typeof scratchBuilder>;

/** Users in id order, for the scratch lists. */
const writersSource: PageSource = {
  model: "User",
  scope: () => "Query.writers",
  order: () => [sortKey(Prisma.raw('"x"."id"'), "asc", "int")],
  branches: () => [{ from: Prisma.sql`"users" AS "x"`, where: [Prisma.sql`"x"."handle" LIKE 'kinds\\_%'`] }],
};

/** A type with every field kind the read library reads: columns, a relation, relation counts, a variant. */
function readableSchema(builder: ScratchBuilder) {
  const Post = builder.prismaObject("Post", { fields: (t) => ({ title: t.exposeString("title") }) });
  const Author = builder.prismaObject("User", {
    variant: "Author",
    fields: (t) => ({ name: t.exposeString("name"), posts: t.relation("posts") }),
  });
  const Writer = builder.prismaObject("User", {
    variant: "Writer",
    fields: (t) => ({
      handle: t.exposeString("handle"),
      postCount: t.relationCount("posts"),
      commentCount: t.relationCount("comments"),
      asAuthor: t.variant(Author),
      shout: t.string({ select: { name: true }, resolve: (user) => user.name.toUpperCase() }),
    }),
  });
  void Post;
  builder.queryType({ fields: (t) => ({ writers: t.connection({ type: Writer, resolve: rootListResolver(writersSource, Writer) }) }) });
  return builder.toSchema();
}

describe("field kinds the read library cannot read in a list's statement", () => {
  const refused: [string, (builder: ScratchBuilder) => void, RegExp][] = [
    [
      "a relation with arguments",
      (builder) => {
        builder.prismaObject("Post", { fields: (t) => ({ title: t.exposeString("title") }) });
        builder.prismaObject("User", {
          fields: (t) => ({ handle: t.exposeString("handle"), published: t.relation("posts", { query: { where: { status: "PUBLISHED" } } }) }),
        });
      },
      /User\.published: .*relation arguments \(where\)/,
    ],
    [
      "a relation whose arguments depend on the request",
      (builder) => {
        builder.prismaObject("Post", { fields: (t) => ({ title: t.exposeString("title") }) });
        builder.prismaObject("User", {
          fields: (t) => ({
            handle: t.exposeString("handle"),
            latest: t.relation("posts", { args: { n: t.arg.int({ required: true }) }, query: (args) => ({ take: args.n }) }),
          }),
        });
      },
      /User\.latest: its query is a function of the request/,
    ],
    [
      "a filtered relation count",
      (builder) =>
        builder.prismaObject("User", {
          fields: (t) => ({ handle: t.exposeString("handle"), drafts: t.relationCount("posts", { where: { status: "DRAFT" } }) }),
        }),
      /User\.drafts: .*filtered count/,
    ],
    [
      "a nested connection",
      (builder) => {
        builder.prismaObject("Post", { fields: (t) => ({ title: t.exposeString("title") }) });
        builder.prismaObject("User", { fields: (t) => ({ handle: t.exposeString("handle"), postPages: t.relatedConnection("posts", { cursor: "id" }) }) });
      },
      /User\.postPages: a related connection/,
    ],
  ];

  it.each(refused)("refuses %s when the schema is built, naming the field", (_kind, define, message) => {
    const builder = scratchBuilder();
    define(builder);
    builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
    const schema = builder.toSchema();
    expect(() => assertReadable(schema)).toThrow(message);
  });

  it("accepts columns, relations, relation counts, variants and selecting fields", () => {
    expect(() => assertReadable(readableSchema(scratchBuilder()))).not.toThrow();
  });
});

describe.each(testDatabaseKinds)("every readable field kind through a paged list on %s", (kind) => {
  const app = useTestApp(kind);
  const writers: TestUser[] = [];

  beforeAll(async () => {
    for (const [posts, comments] of [
      [2, 1],
      [0, 0],
      [3, 2],
    ] as const) {
      const writer = await signUp(app.current, { handle: `kinds_${writers.length}_${Date.now() % 100000}` });
      writers.push(writer);
      const made = [];
      for (let i = 0; i < posts; i += 1) made.push(await createPost(app.current, writer, { title: `${writer.handle} ${i}`, publish: true }));
      for (let i = 0; i < comments; i += 1) await addComment(app.current, writer, made[0]!.id);
    }
  });

  it("answers them all from the page's one statement", async () => {
    const schema = readableSchema(scratchBuilder());
    const { database } = app.current.app;
    const context: ReadContext = {
      reader: {
        viewer: null,
        prisma: database.prisma,
        sql: database.sql,
        pages: new PageLoaders({ cache: true }),
        cursors: createCursorCodec("scratch-secret-that-is-long-enough-000", "scratch"),
        costlyReads: new CostlyReads({ atOnce: 1, waiting: 0 }),
      },
    };
    const log = new SqlLog();
    const document = parse(`{ writers(first: 10) { edges { node {
      handle postCount commentCount shout asAuthor { name posts { title } } } } } }`);
    const result = await withSqlLog(log, () => execute({ schema, document, contextValue: context }));
    expect(result.errors).toBeUndefined();
    const nodes = (result.data as { writers: { edges: { node: Record<string, unknown> }[] } }).writers.edges.map((edge) => edge.node);
    expect(nodes).toEqual(
      writers.map((writer, i) => ({
        handle: writer.handle,
        postCount: [2, 0, 3][i],
        commentCount: [1, 0, 2][i],
        shout: `Name ${writer.handle}`.toUpperCase(),
        asAuthor: { name: `Name ${writer.handle}`, posts: Array.from({ length: [2, 0, 3][i]! }, (_, n) => ({ title: `${writer.handle} ${n}` })) },
      })),
    );
    // The page, with every count, variant and relation in it: nothing loaded afterwards, row by row.
    expect(log.statements).toHaveLength(1);
  });
});
