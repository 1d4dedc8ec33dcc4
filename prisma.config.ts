import { defineConfig } from "prisma/config";

// `prisma generate` only checks that a schema engine binary exists; it never
// runs it. The native engine is downloaded from a host these machines cannot
// reach, so point the check at Node itself. Migrations run through the WASM
// engine instead (src/db/migrations.ts).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
