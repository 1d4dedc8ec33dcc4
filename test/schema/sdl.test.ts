import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildSchema } from "../../src/schema/index.js";
import { printSchemaSDL } from "../../src/schema/sdl.js";

describe("schema.graphql", () => {
  it("matches the schema the builder produces (run `npm run schema:print` if not)", async () => {
    const committed = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printSchemaSDL());
  });

  it("keeps the contract's names", () => {
    const sdl = printSchemaSDL();
    for (const name of ["PostConnection", "UserConnection", "CommentConnection", "TagConnection", "AuthPayload", "PostFilter"]) {
      expect(sdl).toContain(`${name} {`);
    }
    const posts = buildSchema().getQueryType()!.getFields().posts!;
    expect(String(posts.type)).toBe("PostConnection!");
    expect(posts.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual([
      "after: String",
      "before: String",
      "filter: PostFilter",
      "first: Int",
      "last: Int",
      "orderBy: PostOrder!",
    ]);
  });
});
