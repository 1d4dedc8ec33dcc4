import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { pendingSchemaChanges, readSchema } from "../../src/db/migrations.js";
import { pgliteAdapterFactory } from "../../src/db/pglite-adapter.js";
import { PGLITE_EXTENSIONS } from "../../src/db/pglite-extensions.js";

// The WASM schema engine replays every migration on an in-memory PGlite: tens of seconds on a busy machine.
describe("migrations", { timeout: 120_000 }, () => {
  const scratch = new PGlite({ extensions: PGLITE_EXTENSIONS });
  afterAll(() => scratch.close());

  it("prisma/migrations produce exactly prisma/schema.prisma (run `npm run db:migrate:create -- <name>` if not)", async () => {
    expect(await pendingSchemaChanges(pgliteAdapterFactory(scratch))).toBe("");
  });

  it("notices a schema change that has no migration", async () => {
    const changed = (await readSchema()).replace("model Tag {\n", "model Tag {\n  color String?\n");
    expect(await pendingSchemaChanges(pgliteAdapterFactory(scratch), changed)).toMatch(/ALTER TABLE "tags" ADD COLUMN\s+"color" TEXT/);
  });
});
