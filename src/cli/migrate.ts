/*
 * npm run db:migrate                      apply pending migrations to the configured database
 * npm run db:migrate:create -- <name>     write a new migration from changes to prisma/schema.prisma
 *
 * Both use Prisma's schema engine (WASM). A new migration is computed by
 * replaying prisma/migrations on an in-memory PGlite and diffing it against
 * the schema, so creating one needs no database server.
 */
import { PGlite } from "@electric-sql/pglite";
import { withDatabase } from "../db/lifecycle.js";
import { createMigration } from "../db/migrations.js";
import { pgliteAdapterFactory } from "../db/pglite-adapter.js";
import { PGLITE_EXTENSIONS } from "../db/pglite-extensions.js";
import { runScript } from "./run-script.js";

async function main(argv: string[]): Promise<void> {
  const [command, name] = argv;
  if (command === "create") {
    if (!name) throw new Error("usage: npm run db:migrate:create -- <name>");
    const scratch = new PGlite({ extensions: PGLITE_EXTENSIONS });
    try {
      const dir = await createMigration(pgliteAdapterFactory(scratch), name);
      console.log(dir ? `Created ${dir}` : "prisma/schema.prisma matches the migrations; nothing to create.");
    } finally {
      await scratch.close();
    }
    return;
  }
  if (command !== "deploy") throw new Error(`unknown command "${command ?? ""}"; use deploy or create`);
  await withDatabase(
    async ({ database, config }) => {
      const applied = await database.migrate();
      const where = config.database.kind === "postgres" ? "PostgreSQL" : `PGlite at ${config.database.dir}`;
      console.log(applied.length ? `Applied to ${where}: ${applied.join(", ")}` : `${where} is up to date.`);
    },
    { migrate: "never" },
  );
}

runScript(() => main(process.argv.slice(2)));
