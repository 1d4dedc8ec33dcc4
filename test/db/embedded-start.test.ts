import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { Prisma } from "../../src/db/generated/prisma/client.js";
import { createLogger } from "../../src/logger.js";

/**
 * An in-memory embedded database can start from a dump of another
 * (`embeddedStart`; the test apps use it instead of running initdb for
 * each). It starts with exactly the dump's contents, as a copy of its own,
 * and is never pointed at a database on disk, whose files it would replace,
 * nor at PostgreSQL.
 */
describe("an embedded database started from a dump", () => {
  let dump: Blob;
  beforeAll(async () => {
    const source = await PGlite.create({ dataDir: "memory://" });
    try {
      await source.exec(`CREATE TABLE "kept" ("id" int PRIMARY KEY, "name" text NOT NULL); INSERT INTO "kept" VALUES (1, 'from the dump');`);
      dump = await source.dumpDataDir("none");
    } finally {
      await source.close();
    }
  });
  const logger = createLogger("silent");
  const names = async (database: Awaited<ReturnType<typeof openDatabase>>) =>
    (await database.sql.query<{ name: string }>(Prisma.sql`SELECT "name" FROM "kept" ORDER BY "id"`)).map((row) => row.name);

  it("has the dumped rows, and writes to a copy of its own", async () => {
    const open = () => openDatabase(loadConfig({ PGLITE_DIR: "memory://" }).database, logger, { embeddedStart: dump });
    const first = await open();
    try {
      expect(await names(first)).toEqual(["from the dump"]);
      await first.sql.query(Prisma.sql`INSERT INTO "kept" VALUES (2, ${"written after"})`);
      expect(await names(first)).toEqual(["from the dump", "written after"]);
    } finally {
      await first.close();
    }
    const second = await open();
    try {
      expect(await names(second)).toEqual(["from the dump"]);
    } finally {
      await second.close();
    }
  });

  it("refuses a database on disk before touching its directory", async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "inkwell-start-"));
    try {
      const dir = path.join(parent, "pglite");
      await expect(openDatabase(loadConfig({ PGLITE_DIR: dir }).database, logger, { embeddedStart: dump })).rejects.toThrow(
        `embeddedStart would replace the embedded database in ${dir}; it starts in-memory databases only`,
      );
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it("refuses PostgreSQL", async () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/never-reached" }).database;
    await expect(openDatabase(config, logger, { embeddedStart: dump })).rejects.toThrow(
      "embeddedStart is a dump of an embedded database; PostgreSQL is not started from one",
    );
  });
});
