import { existsSync } from "node:fs";
import { readdir, readFile, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";

/**
 * Prisma's schema engine, compiled to WASM, driven through a driver adapter.
 * It is the same engine `prisma migrate` runs as a native binary; the native
 * one cannot be downloaded here and cannot talk to an embedded PGlite at all.
 * Every migration in prisma/migrations is written by `diff` below, and
 * applied by `applyMigrations`, which keeps Prisma's `_prisma_migrations`
 * table exactly as `prisma migrate deploy` does.
 */

/**
 * The project's root: the nearest folder above this module that holds
 * prisma/schema.prisma. This module runs from src/db/ under tsx and from
 * dist/ in the production build (`npm run build`), so no fixed number of
 * levels up is right for both.
 */
function projectRootAbove(moduleDir: string): string {
  for (let dir = moduleDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "prisma/schema.prisma"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No prisma/schema.prisma above ${moduleDir}`);
  }
}

let projectRoot: string | undefined;

/** A path under the project's root, found once (at first use, not on import). */
function underProjectRoot(relative: string): string {
  projectRoot ??= projectRootAbove(path.dirname(fileURLToPath(import.meta.url)));
  return path.join(projectRoot, relative);
}

const schemaPath = () => underProjectRoot("prisma/schema.prisma");
const migrationsDir = () => underProjectRoot("prisma/migrations");
const lockfileName = "migration_lock.toml";
const noFilters: SchemaFilter = { externalTables: [], externalEnums: [] };

// Node has WebAssembly, but @types/node does not declare it (that lives in lib.dom).
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: Record<string, unknown> }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let engineModule: Promise<typeof import("@prisma/schema-engine-wasm")> | undefined;

/** The engine's JS glue imports its .wasm as a module, which Node refuses; instantiate it by hand, once. */
function loadEngineModule() {
  engineModule ??= (async () => {
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "schema_engine_bg.wasm");
    const compiled = await wasmApi.compile(await readFile(wasmPath));
    const instance = await wasmApi.instantiate(compiled, { "./schema_engine_bg.js": glue });
    const exports = instance.exports as { __wbindgen_start: () => void };
    glue.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return glue as unknown as typeof import("@prisma/schema-engine-wasm");
  })();
  return engineModule;
}

export async function readSchema(): Promise<string> {
  return readFile(schemaPath(), "utf8");
}

async function openEngine(factory: SqlMigrationAwareDriverAdapterFactory, log?: (line: string) => void) {
  const { SchemaEngine } = await loadEngineModule();
  const schema = await readSchema();
  const onLog = (entry: string) => log?.(entry);
  const engine: SchemaEngine = await SchemaEngine.new(
    { datamodels: [[path.basename(schemaPath()), schema]] },
    onLog,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return { engine, schema };
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine, schema: string) => Promise<T>,
): Promise<T> {
  const { engine, schema } = await openEngine(factory);
  try {
    return await fn(engine, schema);
  } finally {
    engine.free();
  }
}

export async function loadMigrationList(dir = migrationsDir()): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(path.join(dir, name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        ),
      },
    })),
  );
  const lockfilePath = path.join(dir, lockfileName);
  const lockfileContent = await readFile(lockfilePath, "utf8").catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: lockfilePath, content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** What `prisma migrate deploy` does: applies pending migrations, returns their names. */
export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const migrationsList = await loadMigrationList();
  return withEngine(factory, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return appliedMigrationNames;
  });
}

/**
 * The SQL that would bring a database built from prisma/migrations up to
 * prisma/schema.prisma; empty when they agree. The migrations are replayed
 * on the factory's shadow database (an in-memory PGlite for the embedded
 * adapter), so this never touches real data.
 */
export async function pendingSchemaChanges(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaText?: string,
): Promise<string> {
  const migrationsList = await loadMigrationList();
  return withEngine(factory, async (engine, fileSchema) => {
    const schema = schemaText ?? fileSchema;
    const result = await engine.diff({
      // The engine reads the provider from migration_lock.toml, which the
      // first migration creates; before it, the history is simply empty.
      from: migrationsList.migrationDirectories.length ? { tag: "migrations", ...migrationsList } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath(), content: schema }] },
      script: true,
      exitCode: true,
      filters: noFilters,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  });
}

/** What `prisma migrate dev --create-only` does: writes prisma/migrations/<timestamp>_<name>/migration.sql. */
export async function createMigration(
  factory: SqlMigrationAwareDriverAdapterFactory,
  name: string,
  now = new Date(),
): Promise<string | null> {
  const sql = await pendingSchemaChanges(factory);
  if (!sql.trim()) return null;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "") || "migration";
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(migrationsDir(), `${stamp}_${slug}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), sql);
  await writeFile(
    path.join(migrationsDir(), lockfileName),
    '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
  );
  return dir;
}

let expectedNames: Promise<string[]> | undefined;

/** The migrations this build of the code expects to have been applied (read once). */
export function expectedMigrationNames(): Promise<string[]> {
  expectedNames ??= readdir(migrationsDir(), { withFileTypes: true }).then((entries) =>
    entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort(),
  );
  return expectedNames;
}
