import pg from "pg";
import { applyMigrations } from "../../src/db/migrations.js";
import { postgresMigrationAdapter } from "../../src/db/postgres-migrations.js";
import type { TestProject } from "vitest/node";
import { uniqueDatabaseName, urlForDatabase, withAdminClient } from "./databases.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated PostgreSQL template database of this run, or "" without TEST_DATABASE_URL. */
    postgresTemplate: string;
  }
}

/**
 * With TEST_DATABASE_URL set, migrates one template database for this run;
 * every PostgreSQL suite clones it. Dropped again when the run ends.
 */
export default async function setup(project: TestProject) {
  project.provide("postgresTemplate", "");
  if (!process.env.TEST_DATABASE_URL) return;
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
    await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
  };
}
