import path from "node:path";
import { SEED_PASSWORD } from "./db/seed-password.js";

/**
 * Whether an embedded database directory is PGlite's `memory://`: a
 * database that dies with its process, not a folder to resolve, lock or
 * start over from a dump.
 */
export function inMemory(dir: string): boolean {
  return dir.startsWith("memory://");
}

/**
 * Everything Inkwell reads from the environment, read and validated once at
 * start. An invalid value stops the process with a message that names the
 * variable, rather than surfacing later as a confusing runtime failure.
 */
export interface Config {
  nodeEnv: string;
  host: string;
  port: number;
  /**
   * How long a client may take to send one whole request, headers and body
   * (REQUEST_TIMEOUT_S): one that trickles in slower is answered 408 and its
   * connection closed, so slow clients cannot hold connections open for
   * Node's defaults (60 s for the headers, 300 s in all).
   */
  requestTimeoutMs: number;
  /** Where the embedded database and the generated dev secret live; `memory://` for nowhere. */
  dataDir: string;
  database: DatabaseConfig;
  /** `null` outside production until src/auth/secret.ts fills it in. */
  authSecret: string | null;
  tokenTtlSeconds: number;
  logLevel: LogLevel;
  /** Load a small demo data set into a fresh embedded database. */
  seedDemoData: boolean;
  /** DEMO_PASSWORD, when set; demoPasswordOf() says which password seeded accounts get. */
  demoPassword: string | null;
  /** Serve GraphiQL on GET /graphql for browsers. */
  graphiql: boolean;
  /** Answer introspection queries. */
  introspection: boolean;
  /**
   * Trusted documents: `only` runs nothing but the manifest's documents,
   * `allow` runs those by id and anything else too, `off` ignores ids.
   */
  /** The manifests are every client's: codegen's, and a Relay app's persisted_queries.json, say. */
  trustedDocuments: { mode: "off" | "allow" | "only"; manifestPaths: string[] };
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins: string[];
  /** How many proxies of our own append to X-Forwarded-For: the client is that many entries from its right (src/client-address.ts). */
  trustedProxies: number;
  rateLimits: RateLimitConfig;
  /** REDIS_URL: the Redis every instance shares, for subscription events and attempt limits; null: one process, all in memory. */
  redisUrl: string | null;
  subscriptions: SubscriptionConfig;
  /** Reads whose cost follows the data (ranked search, stats figures) one instance runs at once, and lets wait (src/read/costly-reads.ts). */
  costlyReads: CostlyReadLimits;
  metrics: MetricsConfig;
  /** Whether the standard OTEL_* variables ask for traces (src/tracing/tracing.ts reads the rest of them). */
  tracing: boolean;
}

/** How many reads whose cost follows the data one instance runs at once, and how many more may wait (src/read/costly-reads.ts). */
export interface CostlyReadLimits {
  atOnce: number;
  waiting: number;
}

/** Limits of the subscriptions one instance serves (src/plugins/subscriptions.ts). */
export interface SubscriptionConfig {
  /** Open subscriptions per signed-in viewer, or per client address for the signed-out. */
  perViewer: number;
  /** Open subscriptions in this process. */
  perProcess: number;
  /** A comment line sent on an idle stream this often, so proxies keep it open; Yoga's own 12 s at most. */
  keepAliveMs: number;
}

/** Prometheus metrics at `/metrics` (src/metrics/metrics.ts). */
export interface MetricsConfig {
  enabled: boolean;
  /** When set, a scrape must send `Authorization: Bearer <token>`; unset, `/metrics` is open (keep it off the public network). */
  token: string | null;
}

/**
 * Attempts allowed per window, per client address and per account, for the
 * mutations that check a password or create an account.
 */
export interface RateLimitConfig {
  windowSeconds: number;
  logInPerAddress: number;
  logInPerAccount: number;
  signUpPerAddress: number;
  /** Mutation operations one signed-in account may send per window: posts, comments and transfers by a script are bounded too. */
  writesPerAccount: number;
  /** A Redis server shared by every instance; the counts stay in memory (per instance) without one. */
  redisUrl: string | null;
}

export type DatabaseConfig =
  | ({ kind: "postgres"; url: string } & PoolConfig)
  | ({ kind: "pglite"; dir: string } & EmbeddedConfig);

interface EmbeddedConfig extends SharedDbConfig {
  /**
   * How often the embedded database's autovacuum looks for tables to vacuum
   * or analyze (src/db/embedded-autovacuum.ts); 0: never. PGlite has no
   * autovacuum of its own, and PostgreSQL's needs nothing from Inkwell.
   */
  autovacuumIntervalMs: number;
}

interface SharedDbConfig {
  /** Per-statement limit enforced by the server (`statement_timeout`). */
  statementTimeoutMs: number;
  /**
   * Per-statement limit enforced by this process: a database that stops
   * answering (frozen, or cut off by the network) fails the request after
   * this long instead of holding it.
   */
  queryTimeoutMs: number;
  /** How long a mutation may wait to start its transaction. */
  transactionMaxWaitMs: number;
  /** How long a mutation's transaction may stay open before it is rolled back. */
  transactionTimeoutMs: number;
  /** Log every SQL statement with its duration. */
  logQueries: boolean;
  /**
   * Attribute every SQL statement to its request (the operation log's
   * `sqlStatements`, query-log request ids). It needs AsyncLocalStorage,
   * which on Node 20 adds a hook to every promise of the process.
   */
  countStatements: boolean;
  /**
   * How Prisma loads relations: `join` (one statement with LATERAL joins and
   * JSON aggregation) or `query` (one statement per relation level).
   */
  relationLoadStrategy: "join" | "query";
}

export interface PoolConfig extends SharedDbConfig {
  /**
   * The PostgreSQL schema that holds all of Inkwell's tables (DATABASE_SCHEMA,
   * `public` by default): migrations create them there, and every pooled
   * connection's search_path names only it, so two instances with different
   * schemas share a database without seeing each other's rows.
   */
  schema: string;
  poolSize: number;
  /**
   * Prepare each distinct statement once per connection and run it by name
   * afterwards, so PostgreSQL parses it once.
   */
  preparedStatements: boolean;
  /**
   * Plan each prepared statement once per connection, for every parameter
   * value (plan_cache_mode = force_generic_plan; DB_GENERIC_PLANS). On by
   * default with prepared statements only: an unnamed statement is planned
   * at every execution anyway, and a custom plan then costs the same and
   * knows the values. Left to itself, PostgreSQL compares
   * a statement's generic plan with the custom ones it made for its first
   * five executions, and a page's `LIMIT $n` makes the generic plan's
   * estimate look far dearer than it is (it assumes a tenth of the rows),
   * so it plans every execution anew: on W5 that planning was half of the
   * statement's time in PostgreSQL. Every page statement's generic plan is
   * checked to walk its index (test/read/page-cost.test.ts), so the plan
   * that is tested is the plan that runs.
   */
  genericPlans: boolean;
  /**
   * The planner's cost of reading a page out of order, relative to reading
   * the next one (random_page_cost; DB_RANDOM_PAGE_COST, 1.1 by default,
   * `server` keeps the server's own). PostgreSQL's default of 4 models a
   * spinning disk; with the tables in memory or on SSD it makes an index
   * lookup look dearer than it is, so a to-one relation's lookup by primary
   * key became a sequential scan of a 100-row table for every row of the
   * page, and unique keys got a Memoize node that never hits. 1.1 is the
   * value commonly recommended for SSD storage. Every page statement's plan
   * is checked under this setting (test/read/page-cost.test.ts).
   */
  randomPageCost: number | null;
  /** How long a request waits for a free connection before failing. */
  poolTimeoutMs: number;
  /** Idle connections are closed after this long. */
  idleTimeoutMs: number;
  /** Connections are retired after this long, even when busy. */
  maxLifetimeSeconds: number;
  /**
   * Read replicas (DATABASE_REPLICA_URLS): queries outside a unit of work
   * read from one of them, in turn; mutations and their payloads always go
   * to the primary (src/db/read-routing.ts).
   */
  replicaUrls: string[];
  /** After a viewer's own write, their reads go to the primary for this long, so they see it (DB_READ_YOUR_WRITES_MS). */
  readYourWritesMs: number;
}

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** The replicas' URLs, comma separated; each a PostgreSQL URL like DATABASE_URL. */
function replicaUrls(env: Env): string[] {
  const urls = (env.DATABASE_REPLICA_URLS ?? "")
    .split(",")
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError("DATABASE_REPLICA_URLS", "each must start with postgresql://");
  }
  if (urls.length > 16) throw new ConfigError("DATABASE_REPLICA_URLS", "at most 16 replicas");
  return urls;
}

/** A plain lower-case identifier, so it is safe in a connection's startup options and needs no quoting. */
function schemaName(env: Env): string {
  const schema = env.DATABASE_SCHEMA?.trim() || "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema) || schema.startsWith("pg_")) {
    throw new ConfigError("DATABASE_SCHEMA", "must be a lower-case identifier: letters, digits and underscores, at most 63, not starting with a digit or pg_");
  }
  return schema;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? "development";
  // `memory://` keeps nothing on disk: an embedded database in memory and a secret per process.
  const dataDirSetting = env.DATA_DIR?.trim() || ".data";
  const dataDir = inMemory(dataDirSetting) ? "memory://" : path.resolve(dataDirSetting);
  const logQueries = boolean(env, "DB_LOG_QUERIES", false);
  const statementTimeoutMs = integer(env, "DB_STATEMENT_TIMEOUT_MS", 10_000, { min: 0 });
  const shared: SharedDbConfig = {
    statementTimeoutMs,
    // The server's own timeout should fire first; this one catches a server that cannot.
    queryTimeoutMs: integer(env, "DB_QUERY_TIMEOUT_MS", statementTimeoutMs ? statementTimeoutMs + 2_000 : 12_000, { min: 1 }),
    transactionMaxWaitMs: integer(env, "DB_TRANSACTION_MAX_WAIT_MS", 5_000, { min: 1 }),
    transactionTimeoutMs: integer(env, "DB_TRANSACTION_TIMEOUT_MS", 15_000, { min: 1 }),
    logQueries,
    // Query-log lines name their request, so logging queries implies counting them.
    countStatements: logQueries || boolean(env, "DB_COUNT_STATEMENTS", nodeEnv !== "production"),
    relationLoadStrategy: oneOf(env, "DB_RELATION_LOAD_STRATEGY", ["join", "query"] as const, "join"),
  };
  const url = env.DATABASE_URL?.trim();
  let database: DatabaseConfig;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new ConfigError("DATABASE_URL", "must start with postgresql:// (leave it unset for the embedded database)");
    }
    const preparedStatements = boolean(env, "DB_PREPARED_STATEMENTS", true);
    database = {
      kind: "postgres",
      url,
      ...shared,
      schema: schemaName(env),
      poolSize: integer(env, "DB_POOL_SIZE", 10, { min: 1, max: 1000 }),
      preparedStatements,
      genericPlans: boolean(env, "DB_GENERIC_PLANS", preparedStatements),
      randomPageCost: env.DB_RANDOM_PAGE_COST?.trim() === "server" ? null : decimal(env, "DB_RANDOM_PAGE_COST", 1.1, { min: 0.01, max: 100 }),
      // 0 would mean "wait forever" in pg; a request must fail instead.
      poolTimeoutMs: integer(env, "DB_POOL_TIMEOUT_MS", 5_000, { min: 1 }),
      idleTimeoutMs: integer(env, "DB_IDLE_TIMEOUT_MS", 30_000, { min: 0 }),
      maxLifetimeSeconds: integer(env, "DB_MAX_LIFETIME_S", 3_600, { min: 0 }),
      replicaUrls: replicaUrls(env),
      readYourWritesMs: integer(env, "DB_READ_YOUR_WRITES_MS", 5_000, { min: 0 }),
    };
  } else {
    if (env.DATABASE_SCHEMA?.trim()) {
      throw new ConfigError("DATABASE_SCHEMA", "needs DATABASE_URL: the embedded database is Inkwell's alone, so its tables stay in public");
    }
    if (env.DATABASE_REPLICA_URLS?.trim()) {
      throw new ConfigError("DATABASE_REPLICA_URLS", "needs DATABASE_URL: the embedded database has no replicas");
    }
    const dir = env.PGLITE_DIR?.trim() || (inMemory(dataDir) ? dataDir : path.join(dataDir, "pglite"));
    database = {
      kind: "pglite",
      dir: inMemory(dir) ? dir : path.resolve(dir),
      ...shared,
      autovacuumIntervalMs: integer(env, "PGLITE_AUTOVACUUM_S", 60, { min: 0, max: 86_400 }) * 1000,
    };
  }

  const authSecret = env.AUTH_SECRET?.trim() || null;
  if (nodeEnv === "production" && !authSecret) {
    throw new ConfigError("AUTH_SECRET", "is required when NODE_ENV=production");
  }
  if (authSecret && authSecret.length < 32) {
    throw new ConfigError("AUTH_SECRET", "must be at least 32 characters");
  }

  const logLevel = oneOf(env, "LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "silent" : "info");
  const production = nodeEnv === "production";
  const seedDemoData = boolean(env, "SEED_DEMO_DATA", database.kind === "pglite" && !production);
  const demoPassword = env.DEMO_PASSWORD?.trim() || null;
  // Demo accounts with a password printed in the README must never exist in production.
  if (production && seedDemoData && !demoPassword) {
    throw new ConfigError("DEMO_PASSWORD", "is required with SEED_DEMO_DATA=true when NODE_ENV=production");
  }
  if (demoPassword && demoPassword.length < 12) throw new ConfigError("DEMO_PASSWORD", "must be at least 12 characters");
  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s*]+$/.test(origin)) {
      throw new ConfigError("CORS_ORIGINS", `"${origin}" is not an origin like https://app.example.com (no paths, no wildcards)`);
    }
  }

  const manifestPaths = (env.TRUSTED_DOCUMENTS_MANIFEST ?? "").split(",").map((entry) => entry.trim()).filter(Boolean).map((entry) => path.resolve(entry));
  // With a manifest, production accepts nothing else unless told to; without one there is nothing to trust.
  const trustedMode = oneOf(env, "TRUSTED_DOCUMENTS", ["off", "allow", "only"] as const, manifestPaths.length ? (production ? "only" : "allow") : "off");
  if (trustedMode !== "off" && !manifestPaths.length) {
    throw new ConfigError("TRUSTED_DOCUMENTS", `"${trustedMode}" needs TRUSTED_DOCUMENTS_MANIFEST, the persisted-documents.json that npm run codegen writes`);
  }

  return {
    nodeEnv,
    host: env.HOST ?? "0.0.0.0",
    port: integer(env, "PORT", 4000, { min: 0, max: 65_535 }),
    requestTimeoutMs: integer(env, "REQUEST_TIMEOUT_S", 30, { min: 1, max: 300 }) * 1000,
    dataDir,
    database,
    authSecret,
    tokenTtlSeconds: integer(env, "AUTH_TOKEN_TTL_S", 7 * 24 * 3600, { min: 60 }),
    logLevel,
    seedDemoData,
    demoPassword,
    graphiql: boolean(env, "GRAPHIQL", !production),
    introspection: boolean(env, "INTROSPECTION", !production),
    corsOrigins,
    trustedDocuments: { mode: trustedMode, manifestPaths },
    trustedProxies: proxyHops(env),
    rateLimits: {
      windowSeconds: integer(env, "RATE_LIMIT_WINDOW_S", 60, { min: 1 }),
      logInPerAddress: integer(env, "RATE_LIMIT_LOGIN_PER_ADDRESS", 20, { min: 1 }),
      logInPerAccount: integer(env, "RATE_LIMIT_LOGIN_PER_ACCOUNT", 5, { min: 1 }),
      signUpPerAddress: integer(env, "RATE_LIMIT_SIGNUP_PER_ADDRESS", 5, { min: 1 }),
      writesPerAccount: integer(env, "RATE_LIMIT_WRITES_PER_ACCOUNT", 120, { min: 1 }),
      // RATE_LIMIT_REDIS_URL keeps attempt counts apart from the events' Redis; REDIS_URL serves both.
      redisUrl: env.RATE_LIMIT_REDIS_URL?.trim() || env.REDIS_URL?.trim() || null,
    },
    redisUrl: env.REDIS_URL?.trim() || null,
    subscriptions: {
      perViewer: integer(env, "SUBSCRIPTIONS_PER_VIEWER", 20, { min: 1, max: 10_000 }),
      perProcess: integer(env, "SUBSCRIPTIONS_PER_PROCESS", 10_000, { min: 1 }),
      keepAliveMs: integer(env, "SUBSCRIPTION_KEEPALIVE_S", 12, { min: 1, max: 12 }) * 1000,
    },
    costlyReads: {
      atOnce: integer(env, "COSTLY_READS_AT_ONCE", 2, { min: 1, max: 1_000 }),
      waiting: integer(env, "COSTLY_READS_WAITING", 20, { min: 0, max: 10_000 }),
    },
    metrics: { enabled: boolean(env, "METRICS", true), token: metricsToken(env) },
    tracing: tracingRequested(env),
  };
}

/**
 * Whether the standard OpenTelemetry variables ask for traces: an exporter
 * named in OTEL_TRACES_EXPORTER (other than `none`), or an OTLP endpoint,
 * and OTEL_SDK_DISABLED not `true`. Without them nothing is traced, and no
 * span is made on any request.
 */
export function tracingRequested(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter) return exporter !== "none";
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** Long enough not to be guessed in the scrapes an attacker can afford. */
function metricsToken(env: Env): string | null {
  const token = env.METRICS_TOKEN?.trim() || null;
  if (token && !/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new ConfigError("METRICS_TOKEN", "must be 16 to 256 printable characters without spaces");
  }
  return token;
}

/**
 * The password seeded accounts get (the demo data of `npm start`, and
 * `npm run db:seed`): DEMO_PASSWORD, or outside production the one the
 * README publishes. In production there is no default: no production
 * account may have a published password.
 */
export function demoPasswordOf(config: Pick<Config, "demoPassword" | "nodeEnv">): string {
  if (config.demoPassword) return config.demoPassword;
  if (config.nodeEnv === "production") {
    throw new ConfigError("DEMO_PASSWORD", "is required to seed accounts when NODE_ENV=production (12+ characters; the published one is never used there)");
  }
  return SEED_PASSWORD;
}

/** The published demo password, where demo accounts have it, for GraphiQL's LogIn example to show; null where they do not. */
export function publishedDemoPassword(config: Pick<Config, "demoPassword" | "nodeEnv">): string | null {
  return config.demoPassword === null && config.nodeEnv !== "production" ? SEED_PASSWORD : null;
}

function integer(env: Env, name: string, fallback: number, range: { min?: number; max?: number }): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (range.min !== undefined && value < range.min) throw new ConfigError(name, `must be at least ${range.min}`);
  if (range.max !== undefined && value > range.max) throw new ConfigError(name, `must be at most ${range.max}`);
  return value;
}

function decimal(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(name, `must be a decimal number, got "${raw}"`);
  const value = Number(raw);
  if (value < range.min || value > range.max) throw new ConfigError(name, `must be between ${range.min} and ${range.max}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(", ")}`);
  return raw as T;
}

/** TRUST_PROXY: a number of proxies, or true for one (what it meant when it was on or off). */
function proxyHops(env: Env): number {
  const raw = env.TRUST_PROXY?.trim();
  if (raw && /^\d+$/.test(raw)) return integer(env, "TRUST_PROXY", 0, { min: 0, max: 10 });
  return boolean(env, "TRUST_PROXY", false) ? 1 : 0;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}
