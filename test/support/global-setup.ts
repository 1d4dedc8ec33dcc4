import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { applyMigrations } from "../../src/db/migrations.js";
import { pgliteAdapterFactory } from "../../src/db/pglite-adapter.js";
import { PGLITE_EXTENSIONS } from "../../src/db/pglite-extensions.js";
import { postgresMigrationAdapter } from "../../src/db/postgres-migrations.js";
import type { TestProject } from "vitest/node";
import { uniqueDatabaseName, urlForDatabase, withAdminClient } from "./databases.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated PostgreSQL template database of this run, or "" without TEST_DATABASE_URL. */
    postgresTemplate: string;
    /** The file holding a migrated embedded database of this run, as PGlite's dumpDataDir writes it. */
    pgliteTemplate: string;
  }
}

/**
 * Builds the server as `npm start` does (dist/server.mjs), for the tests
 * that start it as a process (test/support/server-process.ts), so they run
 * this checkout's code. Migrates one template database of each kind for
 * this run, which the suites start from: an embedded one, dumped to a file every in-memory test
 * app loads (test/support/test-app.ts), and with TEST_DATABASE_URL set a
 * PostgreSQL database every PostgreSQL suite clones. Both are removed when
 * the run ends.
 */
export default async function setup(project: TestProject) {
  buildServer();
  const pgliteTemplate = await dumpMigratedPglite();
  project.provide("pgliteTemplate", pgliteTemplate.file);
  project.provide("postgresTemplate", "");
  if (!process.env.TEST_DATABASE_URL) return pgliteTemplate.remove;
  const template = uniqueDatabaseName("inkwell_template");
  await withAdminClient((client) => client.query(`CREATE DATABASE "${template}"`));
  const pool = new pg.Pool({ connectionString: urlForDatabase(template), max: 1 });
  try {
    await applyMigrations(postgresMigrationAdapter(pool));
  } finally {
    // A template with open connections cannot be cloned.
    await pool.end();
  }
  project.provide("postgresTemplate", template);
  return async () => {
    await pgliteTemplate.remove();
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
  };
}

function buildServer(): void {
  const build = spawnSync("npm", ["run", "-s", "build"], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}${build.stdout}`);
}

/**
 * An embedded database with every migration, written to a file: initdb
 * takes about 3 s of a test app's start, and loading this about 1 s. The
 * dump is uncompressed (40 MB), since loading the gzipped one (4 MB) took longer.
 */
async function dumpMigratedPglite(): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "inkwell-pglite-template-"));
  const pglite = await PGlite.create({ dataDir: "memory://", extensions: PGLITE_EXTENSIONS });
  try {
    await applyMigrations(pgliteAdapterFactory(pglite));
    const dump = await pglite.dumpDataDir("none");
    const file = path.join(dir, "migrated.tar");
    await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
    return { file, remove: () => rm(dir, { recursive: true, force: true }) };
  } finally {
    await pglite.close();
  }
}
