import { describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { useTestApp } from "../support/test-app.js";

/** The embedded database keeps PostgreSQL's transaction semantics: isolation levels and savepoints. */
describe.each(testDatabaseKinds)("transaction semantics on %s", (kind) => {
  const app = useTestApp(kind);
  const prisma = () => app.current.app.database.prisma;

  it("honours the requested isolation level", async () => {
    const level = await prisma().$transaction(
      (tx) => tx.$queryRaw<{ transaction_isolation: string }[]>`SHOW transaction_isolation`,
      { isolationLevel: "Serializable" },
    );
    expect(level).toEqual([{ transaction_isolation: "serializable" }]);
  });

  it("rolls a nested transaction back to its savepoint and keeps the outer work", async () => {
    const name = `nested-${kind}-${Date.now()}`;
    await prisma().$transaction(async (tx) => {
      await tx.tag.create({ data: { name: `${name}-outer` } });
      await expect(
        tx.$transaction(async (inner) => {
          await inner.tag.create({ data: { name: `${name}-inner` } });
          throw new Error("inner failure");
        }),
      ).rejects.toThrow("inner failure");
    });
    const names = (await prisma().tag.findMany({ where: { name: { startsWith: name } } })).map((tag) => tag.name);
    expect(names).toEqual([`${name}-outer`]);
  });
});
