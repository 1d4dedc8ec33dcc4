import { beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../src/auth/tokens.js";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { canSeeAccountOf, visibleTransferSql } from "../../src/schema/credits/access.js";
import { testDatabaseKinds } from "../support/databases.js";
import { signUp } from "../support/fixtures.js";
import { useTestApp } from "../support/test-app.js";
import { grant, makeAdmin, rowId, send } from "./support.js";

/**
 * The credits rule is one decision (accountVisibility) in two forms: a check
 * of a transfer's parties in memory (node refetches) and SQL over a
 * transfers row (a payload read back by readRow). Over grants and sends
 * among three users, seen by every kind of viewer, both pick the same
 * transfers.
 */
describe.each(testDatabaseKinds)("the credits access rule in both forms, on %s", (kind) => {
  const app = useTestApp(kind);
  const viewers: [string, Viewer | null][] = [];

  beforeAll(async () => {
    const t = app.current;
    const [admin, sender, recipient, stranger] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await makeAdmin(t, admin);
    await grant(t, admin, sender, 50);
    await send(t, sender, recipient, 20);
    await send(t, recipient, sender, 5);
    viewers.push(
      ["nobody", null],
      ["the sender", { id: rowId(sender.id), role: "USER" }],
      ["the recipient", { id: rowId(recipient.id), role: "USER" }],
      ["a stranger", { id: rowId(stranger.id), role: "USER" }],
      ["an admin", { id: rowId(admin.id), role: "ADMIN" }],
    );
  });

  it("picks the same transfers as SQL and in memory, for every viewer", async () => {
    const { prisma } = app.current.app.database;
    // This file's transfers only: the database may hold other files' too.
    const ours = viewers.flatMap(([, viewer]) => (viewer ? [viewer.id] : []));
    const transfers = await prisma.transfer.findMany({
      where: { OR: [{ from: { userId: { in: ours } } }, { to: { userId: { in: ours } } }] },
      select: { id: true, from: { select: { userId: true } }, to: { select: { userId: true } } },
      orderBy: { id: "asc" },
    });
    expect(transfers).toHaveLength(3);
    const ids = transfers.map((transfer) => transfer.id);
    const counts: Record<string, number> = {};
    for (const [name, viewer] of viewers) {
      const inMemory = transfers
        .filter((transfer) => canSeeAccountOf(viewer, transfer.from.userId) || canSeeAccountOf(viewer, transfer.to.userId))
        .map((transfer) => transfer.id);
      const rows = await prisma.$queryRaw<{ id: number }[]>(
        Prisma.sql`SELECT "x"."id" FROM "transfers" AS "x" WHERE "x"."id" = ANY(${ids}::int[]) AND ${visibleTransferSql(viewer, "x")} ORDER BY "x"."id"`,
      );
      expect(rows.map((row) => row.id), name).toEqual(inMemory);
      counts[name] = inMemory.length;
    }
    // Not vacuous: the sender is in all three (the grant, the send, the send back), the recipient in two.
    expect(counts).toEqual({ nobody: 0, "the sender": 3, "the recipient": 2, "a stranger": 0, "an admin": 3 });
  });
});
