import SchemaBuilder from "@pothos/core";
import RelayPlugin from "@pothos/plugin-relay";
import { execute, parse, type GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import type PrismaTypes from "../../src/db/generated/pothos-types.js";
import { getDatamodel } from "../../src/db/generated/pothos-types.js";
import type { PrismaClient } from "../../src/db/generated/prisma/client.js";

/**
 * A node's `id` is answered as soon as its row is there: plugin-relay's
 * `globalID` field was an async function, so every row of a list selecting
 * `id` (every row a Relay client asks for) cost a promise, and the answer
 * waited a turn of the microtask queue for each (the patch to
 * @pothos/plugin-relay, patches/README.md). An id that is itself a promise
 * is still awaited, and a failure still reaches the field's error.
 */
function schemaWith(resolveId: (parent: { id: number }) => unknown): GraphQLSchema {
  const builder = new SchemaBuilder<{ Objects: { Row: { id: number } }; PrismaTypes: PrismaTypes }>({
    plugins: [RelayPlugin],
    relay: {},
    // The Prisma and scope-auth plugins' options are required by their global types even where they are not used.
    prisma: { client: () => ({}) as PrismaClient, dmmf: getDatamodel() },
    scopeAuth: { authScopes: () => ({}) },
  });
  builder.objectType("Row", {
    fields: (t) => ({ id: t.globalID({ resolve: (row) => resolveId(row) as { type: string; id: number } }) }),
  });
  builder.queryType({
    fields: (t) => ({ rows: t.field({ type: ["Row"], resolve: () => [{ id: 1 }, { id: 2 }] }) }),
  });
  return builder.toSchema();
}

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString("base64");

describe("global ids", () => {
  it("are answered without a promise when the id is at hand", () => {
    const schema = schemaWith((row) => ({ type: "Row", id: row.id }));
    const answer = execute({ schema, document: parse("{ rows { id } }") });
    // graphql-js answers synchronously only when no field of the operation returned a promise.
    expect(answer).not.toBeInstanceOf(Promise);
    expect(answer).toEqual({ data: { rows: [{ id: globalId("Row", 1) }, { id: globalId("Row", 2) }] } });
  });

  it("still wait for an id that is a promise", async () => {
    const schema = schemaWith(async (row) => ({ type: "Row", id: row.id }));
    const answer = execute({ schema, document: parse("{ rows { id } }") });
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toEqual({ data: { rows: [{ id: globalId("Row", 1) }, { id: globalId("Row", 2) }] } });
  });

  it("report a failed id at its field, thrown or rejected alike", async () => {
    const answers = [];
    for (const fail of [
      () => {
        throw new Error("no id");
      },
      () => Promise.reject(new Error("no id")),
    ]) {
      const answer = await execute({ schema: schemaWith(fail), document: parse("{ rows { id } }") });
      answers.push({ data: answer.data, errors: answer.errors?.map((error) => [error.message, error.path]) });
    }
    expect(answers[0]).toEqual({ data: { rows: [{ id: null }, { id: null }] }, errors: [["no id", ["rows", 0, "id"]], ["no id", ["rows", 1, "id"]]] });
    expect(answers[1]).toEqual(answers[0]);
  });
});
