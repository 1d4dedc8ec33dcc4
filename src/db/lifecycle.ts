import { loadConfig, type Config } from "../config.js";
import { createLogger, type Logger } from "../logger.js";
import { openDatabase, type Database } from "./client.js";

export interface Lifetime {
  database: Database;
  config: Config;
  logger: Logger;
  /** Aborted on SIGINT or SIGTERM: long work stops at its next safe point. */
  signal: AbortSignal;
}

/**
 * The lifecycle every script shares with the server: read the
 * configuration, open the database, migrate where allowed (always on the
 * embedded PGlite, which has no deploy step; on PostgreSQL only when
 * `migrate: "always"`), run `work`, and close the database on the way out,
 * whether `work` succeeded, failed, or was interrupted by Ctrl-C.
 */
export async function withDatabase<T>(
  work: (lifetime: Lifetime) => Promise<T>,
  options: { migrate?: "embedded" | "always" | "never"; env?: NodeJS.ProcessEnv; logLevel?: Config["logLevel"] } = {},
): Promise<T> {
  const config = loadConfig(options.env ?? process.env);
  const logger = createLogger(options.logLevel ?? "warn");
  const database = await openDatabase(config.database, logger);
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  try {
    const migrate = options.migrate ?? "embedded";
    if (migrate === "always" || (migrate === "embedded" && database.kind === "pglite")) await database.migrate();
    return await work({ database, config, logger, signal: controller.signal });
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await database.close();
  }
}
