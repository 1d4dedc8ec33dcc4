import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** A pool's connections by state, when scraped. */
export interface ConnectionCounts {
  total: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
}

/**
 * The process's Prometheus metrics, in a registry of its own (never
 * prom-client's global one, so two apps in one process, as in the tests,
 * keep their own counts). Every label has a bounded set of values: an
 * operation's type, a response's status, an error's code. Operation names
 * are not a label: a client chooses them, and each new one would be a new
 * series held in memory until the process ends.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<"status">;
  readonly operations: Histogram<"type">;
  readonly errors: Counter<"code" | "reason">;
  readonly sqlStatements: Histogram<never>;
  readonly subscriptionsOpen: Gauge<"field">;
  readonly subscriptionEvents: Counter<"field">;
  /** Reports the database pool's connections on every scrape. */
  observePool(connections: () => ConnectionCounts | null): void;
}

const OPERATION_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATEMENT_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process CPU, memory, event-loop lag, GC: prom-client's standard names, so stock dashboards read them.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "inkwell_http_requests_total",
      help: "HTTP responses sent, by status code (scrapes of /metrics not counted).",
      labelNames: ["status"],
      registers,
    }),
    operations: new Histogram({
      name: "inkwell_graphql_operation_duration_seconds",
      help: "GraphQL operations executed, by type (query, mutation, subscription), from the start of execution to the last part of the answer.",
      labelNames: ["type"],
      buckets: OPERATION_SECONDS,
      registers,
    }),
    errors: new Counter({
      name: "inkwell_graphql_errors_total",
      help: "Errors in GraphQL answers, by the extensions.code and extensions.reason clients see (INTERNAL_SERVER_ERROR for masked ones; reason empty when there is none).",
      labelNames: ["code", "reason"],
      registers,
    }),
    sqlStatements: new Histogram({
      name: "inkwell_sql_statement_duration_seconds",
      help: "SQL statements sent by requests, counted at the driver adapter (the _count is the number of statements).",
      buckets: STATEMENT_SECONDS,
      registers,
    }),
    subscriptionsOpen: new Gauge({
      name: "inkwell_subscriptions_open",
      help: "Subscriptions open on this instance, by subscription field.",
      labelNames: ["field"],
      registers,
    }),
    subscriptionEvents: new Counter({
      name: "inkwell_subscription_events_total",
      help: "Events delivered to subscribers, by subscription field (not counting the last event of a stream the server ended).",
      labelNames: ["field"],
      registers,
    }),
    observePool(connections) {
      new Gauge({
        name: "inkwell_db_pool_connections",
        help: "The PostgreSQL pool's connections (total, idle) and the requests waiting for one; absent on the embedded database.",
        labelNames: ["state"],
        registers,
        collect() {
          const counts = connections();
          if (!counts) return;
          this.set({ state: "total" }, counts.total);
          this.set({ state: "idle" }, counts.idle);
          this.set({ state: "waiting" }, counts.waiting);
        },
      });
    },
  };
}
