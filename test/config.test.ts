import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("defaults to the embedded database under .data/", () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({ kind: "pglite" });
    expect(config.port).toBe(4000);
    expect(config.seedDemoData).toBe(true);
  });

  it("keeps PGLITE_DIR=memory:// in memory instead of resolving it to a folder", () => {
    expect(loadConfig({ PGLITE_DIR: "memory://" }).database).toMatchObject({ kind: "pglite", dir: "memory://" });
    expect(loadConfig({ PGLITE_DIR: "some/dir" }).database).toMatchObject({ dir: expect.stringMatching(/^\/.+\/some\/dir$/) });
  });

  it("keeps DATA_DIR=memory:// in memory too, with its embedded database, instead of making a folder called memory:", () => {
    const config = loadConfig({ DATA_DIR: "memory://" });
    expect(config.dataDir).toBe("memory://");
    expect(config.database).toMatchObject({ kind: "pglite", dir: "memory://" });
    expect(loadConfig({ DATA_DIR: "memory://", PGLITE_DIR: "some/dir" }).database).toMatchObject({ dir: expect.stringMatching(/^\/.+\/some\/dir$/) });
  });

  it("reads the pool settings for PostgreSQL", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/inkwell",
      DB_POOL_SIZE: "7",
      DB_POOL_TIMEOUT_MS: "1500",
      DB_IDLE_TIMEOUT_MS: "0",
      DB_MAX_LIFETIME_S: "60",
      DB_STATEMENT_TIMEOUT_MS: "2500",
      DB_LOG_QUERIES: "true",
      DB_PREPARED_STATEMENTS: "false",
    });
    expect(config.database).toMatchObject({
      kind: "postgres",
      poolSize: 7,
      poolTimeoutMs: 1500,
      idleTimeoutMs: 0,
      maxLifetimeSeconds: 60,
      statementTimeoutMs: 2500,
      logQueries: true,
      preparedStatements: false,
      // Generic plans only pay with prepared statements, so they follow them unless set.
      genericPlans: false,
    });
    expect(config.seedDemoData).toBe(false);
  });

  it.each([
    ["DB_POOL_SIZE", "0"],
    ["DB_POOL_SIZE", "ten"],
    ["DB_POOL_TIMEOUT_MS", "0"],
    ["DB_LOG_QUERIES", "maybe"],
    ["PORT", "70000"],
    ["REQUEST_TIMEOUT_S", "0"],
    ["REQUEST_TIMEOUT_S", "301"],
    ["DATABASE_URL", "mysql://localhost/x"],
    ["LOG_LEVEL", "loud"],
    ["DB_RELATION_LOAD_STRATEGY", "magic"],
    ["AUTH_SECRET", "short"],
    ["DATABASE_REPLICA_URLS", "postgresql://replica/x,mysql://replica/y"],
    ["DB_READ_YOUR_WRITES_MS", "-1"],
    ["METRICS_TOKEN", "too short"],
    ["SUBSCRIPTIONS_PER_VIEWER", "0"],
    ["SUBSCRIPTIONS_PER_PROCESS", "many"],
    ["SUBSCRIPTION_KEEPALIVE_S", "0"],
    ["SUBSCRIPTION_KEEPALIVE_S", "30"],
    ["DB_RANDOM_PAGE_COST", "0"],
    ["DB_RANDOM_PAGE_COST", "1e3"],
    ["DB_RANDOM_PAGE_COST", "4; DROP TABLE users"],
  ])("rejects %s=%s with an error naming the variable", (name, value) => {
    const env = { DATABASE_URL: "postgresql://localhost/x", [name]: value };
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(new RegExp(`^${name}: `));
  });

  it("prices random page reads at 1.1 by default, as set, or leaves the server's own with `server`", () => {
    const url = "postgresql://postgres@127.0.0.1:5432/inkwell";
    expect(loadConfig({ DATABASE_URL: url }).database).toMatchObject({ randomPageCost: 1.1 });
    expect(loadConfig({ DATABASE_URL: url, DB_RANDOM_PAGE_COST: "2.5" }).database).toMatchObject({ randomPageCost: 2.5 });
    expect(loadConfig({ DATABASE_URL: url, DB_RANDOM_PAGE_COST: "server" }).database).toMatchObject({ randomPageCost: null });
  });

  it("reads the replicas and the read-your-writes window, and refuses replicas of the embedded database", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://postgres@primary:5432/inkwell",
      DATABASE_REPLICA_URLS: " postgresql://postgres@replica-1:5432/inkwell, postgresql://postgres@replica-2:5432/inkwell ",
      DB_READ_YOUR_WRITES_MS: "2000",
    });
    expect(config.database).toMatchObject({
      replicaUrls: ["postgresql://postgres@replica-1:5432/inkwell", "postgresql://postgres@replica-2:5432/inkwell"],
      readYourWritesMs: 2000,
    });
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: "postgresql://replica/x" })).toThrowError(/^DATABASE_REPLICA_URLS: needs DATABASE_URL/);
  });

  it("shares one REDIS_URL between the events and the attempt limits, unless RATE_LIMIT_REDIS_URL names another", () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: null, rateLimits: { redisUrl: null } });
    expect(loadConfig({ REDIS_URL: "redis://shared:6379" })).toMatchObject({ redisUrl: "redis://shared:6379", rateLimits: { redisUrl: "redis://shared:6379" } });
    expect(loadConfig({ REDIS_URL: "redis://shared:6379", RATE_LIMIT_REDIS_URL: "redis://limits:6379" })).toMatchObject({
      redisUrl: "redis://shared:6379",
      rateLimits: { redisUrl: "redis://limits:6379" },
    });
    expect(loadConfig({}).subscriptions).toEqual({ perViewer: 20, perProcess: 10_000, keepAliveMs: 12_000 });
    expect(loadConfig({ SUBSCRIPTIONS_PER_VIEWER: "3", SUBSCRIPTION_KEEPALIVE_S: "5" }).subscriptions).toMatchObject({ perViewer: 3, keepAliveMs: 5_000 });
  });

  it("counts statements per request outside production, or when asked, or when logging queries", () => {
    const kind = (env: Record<string, string>) => loadConfig(env).database.countStatements;
    expect(kind({})).toBe(true);
    expect(kind({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(32) })).toBe(false);
    expect(kind({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(32), DB_COUNT_STATEMENTS: "true" })).toBe(true);
    expect(kind({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(32), DB_LOG_QUERIES: "true", DB_COUNT_STATEMENTS: "false" })).toBe(true);
  });

  it("requires AUTH_SECRET in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrowError(/^AUTH_SECRET: is required/);
  });
});
