import { createAttemptLimits } from "./auth/attempt-limits.js";
import { deploymentOf } from "./auth/deployment.js";
import { resolveAuthSecret } from "./auth/secret.js";
import { createTokenService } from "./auth/tokens.js";
import { demoPasswordOf, publishedDemoPassword, type Config } from "./config.js";
import type { AppServices } from "./context.js";
import { openDatabase, type Database } from "./db/client.js";
import { DEMO_SEED, seedDatabase } from "./db/seed.js";
import { createLogger, type Logger } from "./logger.js";
import { createCursorCodec } from "./paging/cursors.js";
import { loadTrustedDocuments } from "./plugins/trusted-documents.js";
import { createYogaApp, type YogaApp } from "./yoga.js";

export interface App {
  yoga: YogaApp;
  database: Database;
  services: AppServices;
  close(): Promise<void>;
}

/**
 * Opens the database, brings the embedded one up to date (migrations, and
 * demo data when it is new) and builds the GraphQL app. A PostgreSQL server
 * is migrated by `npm run db:migrate` instead, as a deploy step, so that
 * several server processes never race to migrate it.
 */
export async function createApp(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<App> {
  const database = await openDatabase(config.database, logger);
  try {
    if (database.kind === "pglite") {
      const applied = await database.migrate();
      if (applied.length) logger.info("migrations applied", { migrations: applied });
      if (config.seedDemoData && (await database.prisma.user.count()) === 0) {
        const counts = await seedDatabase(database.prisma, { ...DEMO_SEED, password: demoPasswordOf(config) });
        logger.info("demo data loaded", { ...counts });
      }
    }
    const secret = await resolveAuthSecret(config.authSecret, config.dataDir, config.database.kind === "postgres" ? config.database.schema : undefined);
    const deployment = deploymentOf(config.database);
    const attempts = createAttemptLimits(config.rateLimits);
    const services: AppServices = {
      prisma: database.prisma,
      sql: database.sql,
      tokens: createTokenService(secret, config.tokenTtlSeconds, deployment),
      attempts,
      trustProxy: config.trustProxy,
      cursors: createCursorCodec(secret, deployment),
      logger,
      transaction: {
        maxWaitMs: config.database.transactionMaxWaitMs,
        timeoutMs: config.database.transactionTimeoutMs,
      },
      countStatements: config.database.countStatements,
    };
    const { mode, manifestPath } = config.trustedDocuments;
    const documents = manifestPath ? await loadTrustedDocuments(manifestPath) : new Map<string, string>();
    if (manifestPath) logger.info("trusted documents", { mode, manifest: manifestPath, documents: documents.size });
    const yoga = createYogaApp({
      services,
      database,
      settings: {
        graphiql: config.graphiql ? { demoPassword: publishedDemoPassword(config) } : null,
        introspection: config.introspection,
        corsOrigins: config.corsOrigins,
        trustedDocuments: { mode, documents },
      },
    });
    const close = async () => {
      await attempts.close();
      await database.close();
    };
    return { yoga, database, services, close };
  } catch (error) {
    await database.close();
    throw error;
  }
}
