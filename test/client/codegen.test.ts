import { readFile } from "node:fs/promises";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../codegen.js";

describe("the generated SDK (client/gql)", () => {
  it("is what npm run codegen makes from schema.graphql and client/operations now (run it if not)", async () => {
    const outputs = (await generate({ ...config, cwd: process.cwd(), silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.map((output) => path.relative(process.cwd(), output.filename)).sort()).toEqual([
      "client/gql/gql.ts",
      "client/gql/graphql.ts",
      "client/gql/index.ts",
      "client/gql/persisted-documents.json",
    ]);
    for (const output of outputs) {
      expect(await readFile(output.filename, "utf8"), `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  }, 60_000);
});
