import { createAttemptLimits } from "./auth/attempt-limits.js";
import { deploymentOf } from "./auth/deployment.js";
import { resolveAuthSecret } from "./auth/secret.js";
import { createTokenService } from "./auth/tokens.js";
import { demoPasswordOf, publishedDemoPassword, type Config } from "./config.js";
import type { AppServices } from "./context.js";
import { openDatabase, type Database } from "./db/client.js";
import { NotReadyError } from "./db/readiness.js";
import { ReadRouting } from "./db/read-routing.js";
import { DEMO_SEED, seedDatabase } from "./db/seed.js";
import { createLogger, type Logger } from "./logger.js";
import type { Tracer } from "@opentelemetry/api";
import type { StatementListener } from "./db/statement-timing.js";
import { createMetrics } from "./metrics/metrics.js";
import { statementSpans } from "./tracing/tracing.js";
import { createCursorCodec } from "./read/cursors.js";
import { createEventBus, type EventBus } from "./events/bus.js";
import { OpenSubscriptions } from "./events/open-subscriptions.js";
import { SharedReads } from "./events/shared-reads.js";
import { SiteFigures } from "./schema/stats/service.js";
import { CostlyReads } from "./read/costly-reads.js";
import { ShuttingDownError } from "./errors.js";
import { loadTrustedDocuments } from "./plugins/trusted-documents.js";
import { createYogaApp, type YogaApp } from "./yoga.js";

export interface App {
  yoga: YogaApp;
  database: Database;
  services: AppServices;
  /** Ends every open subscription with SHUTTING_DOWN as its last event: the first step of a shutdown. */
  endSubscriptions(): void;
  close(): Promise<void>;
}

/**
 * Opens the database, brings the embedded one up to date (migrations, and
 * demo data when it is new) and builds the GraphQL app. A PostgreSQL server
 * is migrated by `npm run db:migrate` instead, as a deploy step, so that
 * several server processes never race to migrate it.
 */
/** What the process gives the app beyond its configuration. */
export interface AppOptions {
  /** OpenTelemetry's tracer, when the OTEL_* variables ask for traces (src/tracing/tracing.ts); the server starts it. */
  tracer?: Tracer;
  /** An in-memory embedded database's first contents (OpenOptions in src/db/client.ts); the test suites give one. */
  embeddedStart?: Blob;
}

export async function createApp(config: Config, logger: Logger = createLogger(config.logLevel), options: AppOptions = {}): Promise<App> {
  const metrics = config.metrics.enabled ? createMetrics() : null;
  const observers: StatementListener[] = [
    ...(metrics ? [(_sql: string, durationMs: number) => metrics.sqlStatements.observe(durationMs / 1000)] : []),
    ...(options.tracer ? [statementSpans(options.tracer)] : []),
  ];
  const database = await openDatabase(config.database, logger, {
    observe: observers.length ? (sql, durationMs, requestId) => observers.forEach((observe) => observe(sql, durationMs, requestId)) : undefined,
    embeddedStart: options.embeddedStart,
  });
  metrics?.observePool(() => database.connections());
  let events: EventBus | undefined;
  try {
    if (database.kind === "pglite") {
      const applied = await database.migrate();
      if (applied.length) logger.info("migrations applied", { migrations: applied });
      if (config.seedDemoData && (await database.prisma.user.count()) === 0) {
        const counts = await seedDatabase(database.prisma, { ...DEMO_SEED, password: demoPasswordOf(config) });
        logger.info("demo data loaded", { ...counts });
      }
    }
    const migrated = await checkMigrated(database, logger);
    const secret = await resolveAuthSecret(config.authSecret, config.dataDir, config.database.kind === "postgres" ? config.database.schema : undefined);
    const deployment = deploymentOf(config.database);
    const attempts = createAttemptLimits(config.rateLimits);
    const costlyReads = new CostlyReads(config.costlyReads);
    const bus = (events = createEventBus({ redisUrl: config.redisUrl, namespace: deployment, logger }));
    // Subscribed before the first request: an event published from now on reaches this instance's subscribers.
    await bus.ready();
    const services: AppServices = {
      prisma: database.prisma,
      sql: database.sql,
      reads: new ReadRouting(database, database.replicas, config.database.kind === "postgres" ? config.database.readYourWritesMs : 0),
      tokens: createTokenService(secret, config.tokenTtlSeconds, deployment),
      attempts,
      events: bus,
      sharedReads: new SharedReads(),
      costlyReads,
      siteFigures: new SiteFigures(costlyReads),
      trustedProxies: config.trustedProxies,
      cursors: createCursorCodec(secret, deployment),
      logger,
      transaction: {
        maxWaitMs: config.database.transactionMaxWaitMs,
        timeoutMs: config.database.transactionTimeoutMs,
        driver: database.transactions,
      },
      countStatements: config.database.countStatements,
    };
    services.reads.hearWritersFrom(bus);
    const subscriptions = new OpenSubscriptions(config.subscriptions);
    const { mode, manifestPaths } = config.trustedDocuments;
    const documents = await loadTrustedDocuments(manifestPaths);
    if (manifestPaths.length) logger.info("trusted documents", { mode, manifests: manifestPaths, documents: documents.size });
    const yoga = createYogaApp({
      services,
      database,
      migrated,
      settings: {
        graphiql: config.graphiql ? { demoPassword: publishedDemoPassword(config) } : null,
        introspection: config.introspection,
        corsOrigins: config.corsOrigins,
        trustedDocuments: { mode, documents },
        metrics: metrics ? { metrics, token: config.metrics.token } : null,
        tracer: options.tracer ?? null,
        subscriptions: { open: subscriptions, keepAliveMs: config.subscriptions.keepAliveMs },
      },
    });
    const endSubscriptions = () => subscriptions.endAll(() => new ShuttingDownError());
    const close = async () => {
      endSubscriptions();
      await bus.close();
      await attempts.close();
      await database.close();
    };
    return { yoga, database, services, endSubscriptions, close };
  } catch (error) {
    await events?.close();
    await database.close();
    throw error;
  }
}

/**
 * Whether the database has every migration this code expects. An embedded
 * one was just migrated; a PostgreSQL server that was not is said at start
 * in one line, and the server still starts (the deploy's migration step may
 * come next) but refuses GraphQL requests until it is (useMigrationGate).
 */
async function checkMigrated(database: Database, logger: Logger): Promise<boolean> {
  if (database.kind === "pglite") return true;
  try {
    await database.ready();
    return true;
  } catch (error) {
    if (error instanceof NotReadyError) {
      logger.warn(`${error.message}; until then GraphQL requests are answered 503 DATABASE_NOT_MIGRATED`);
    }
    return false;
  }
}
