import pg from "pg";
import { withDatabase } from "../../src/db/lifecycle.js";
import { seedDatabase, type SeedOptions } from "../../src/db/seed.js";

/** The URL of database `name` on the server `adminUrl` points at. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Migrates and seeds the database `env` names (DATABASE_URL, or PGLITE_DIR). */
export async function seed(env: Record<string, string>, options: SeedOptions) {
  await withDatabase(({ database }) => seedDatabase(database.prisma, options).then(() => undefined), {
    migrate: "always",
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
  });
}

/** The seeded users' first id: the benchmark's signed-in writer. */
export async function firstUser(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: number }>("SELECT min(id) AS id FROM users")).rows[0]!.id;
  } finally {
    await client.end();
  }
}
