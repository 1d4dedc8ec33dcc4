import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import type { AppServices, Context } from "./context.js";
import { createContext } from "./context.js";
import type { Database } from "./db/client.js";
import { expectedError, maskError, wasReported } from "./errors.js";
import { corsFromAllowList } from "./plugins/cors.js";
import { useNoIntrospection } from "./plugins/introspection.js";
import { useClientErrorCodes } from "./plugins/client-error-codes.js";
import { useIncrementalDelivery } from "./plugins/defer-stream.js";
import { useResultErrors } from "./plugins/result-errors.js";
import { useRequestFormat } from "./plugins/request-format.js";
import { useOperationLog } from "./plugins/operation-log.js";
import { useQueryLimits } from "./plugins/query-limits.js";
import { useQueryCost } from "./plugins/query-cost.js";
import { useMigrationGate } from "./plugins/migration-gate.js";
import { useReadiness } from "./plugins/readiness.js";
import { useRequestBodyLimit } from "./plugins/request-body-limit.js";
import { useRequestIdHeader } from "./plugins/request-id-header.js";
import { useUnitOfWork } from "./plugins/unit-of-work.js";
import { useMetrics } from "./plugins/metrics.js";
import type { Metrics } from "./metrics/metrics.js";
import { useTracing } from "./plugins/tracing.js";
import { useSubscriptions } from "./plugins/subscriptions.js";
import { useSseKeepAlive } from "./plugins/sse-keep-alive.js";
import type { OpenSubscriptions } from "./events/open-subscriptions.js";
import type { Tracer } from "@opentelemetry/api";
import { graphiqlOptions } from "./graphiql.js";
import { useGraphiQLPage } from "./plugins/graphiql.js";
import { useTrustedDocuments, type TrustedDocuments, type TrustedDocumentsMode } from "./plugins/trusted-documents.js";
import { buildSchema } from "./schema/index.js";

/** Far above any real operation (a post body is at most 100,000 characters), far below what hurts. */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;
const GRAPHQL_ENDPOINT = "/graphql";

/** The switches that differ between development and production (src/config.ts has their defaults). */
export interface YogaSettings {
  /** GraphiQL, and the demo password its LogIn example may show (publishedDemoPassword in src/config.ts); null: no GraphiQL. */
  graphiql: { demoPassword: string | null } | null;
  introspection: boolean;
  corsOrigins: readonly string[];
  trustedDocuments: { mode: TrustedDocumentsMode; documents: TrustedDocuments };
  /** Prometheus metrics at /metrics (src/plugins/metrics.ts); null: none. */
  metrics: { metrics: Metrics; token: string | null } | null;
  /** Spans for operations (src/plugins/tracing.ts); null: tracing is off. */
  tracer: Tracer | null;
  /** The subscriptions this instance serves, with their limits (src/events/open-subscriptions.ts). */
  subscriptions: { open: OpenSubscriptions; keepAliveMs: number };
}

export interface YogaDeps {
  services: AppServices;
  database: Pick<Database, "ready">;
  /** Whether the database had every migration when the app was built; if not, requests wait for it (useMigrationGate). */
  migrated: boolean;
  settings: YogaSettings;
}

export function createYogaApp({ services, database, migrated, settings }: YogaDeps) {
  const graphiql = settings.graphiql ? graphiqlOptions(settings.graphiql.demoPassword) : null;
  return createYoga<Record<string, unknown>, Context>({
    schema: buildSchema(),
    context: (initial) => createContext(services, initial),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: "/healthz",
    landingPage: false,
    // Served by useGraphiQLPage, compressed and with an ETag.
    graphiql: false,
    // GraphQL over HTTP's and Relay's ways to name a trusted document (src/plugins/trusted-documents.ts).
    extraParamNames: ["documentId", "doc_id"],
    cors: corsFromAllowList(settings.corsOrigins),
    maskedErrors: { maskError },
    logging: yogaLogger(services.logger),
    // Enforced by useRequestBodyLimit instead, without a stream per request.
    maxRequestBodySize: false,
    // No file uploads: a multipart body is refused (415), not parsed.
    multipart: false,
    plugins: [
      // First, so every response is counted and a scrape is answered before anything else runs.
      ...(settings.metrics ? [useMetrics(settings.metrics.metrics, { token: settings.metrics.token })] : []),
      useRequestBodyLimit(MAX_REQUEST_BODY_BYTES),
      useRequestIdHeader(),
      useMigrationGate(() => database.ready(), { migrated }),
      ...(graphiql ? [useGraphiQLPage(graphiql, GRAPHQL_ENDPOINT)] : []),
      ...(settings.trustedDocuments.mode === "off" ? [] : [useTrustedDocuments(settings.trustedDocuments.mode, settings.trustedDocuments.documents)]),
      useQueryLimits(),
      useQueryCost(),
      ...(settings.introspection ? [] : [useNoIntrospection()]),
      useClientErrorCodes(),
      useRequestFormat(),
      useResultErrors(services.logger, { suggestions: settings.introspection }),
      useReadiness("/readyz", () => database.ready()),
      ...useIncrementalDelivery(),
      useUnitOfWork(services),
      useSubscriptions({ services, open: settings.subscriptions.open, metrics: settings.metrics?.metrics ?? null }),
      useSseKeepAlive(settings.subscriptions.keepAliveMs),
      // After the unit of work: its execution wraps the unit's, so the transaction's statements are the operation's.
      ...(settings.tracer ? [useTracing(settings.tracer)] : []),
      useOperationLog(),
    ],
  });
}

/**
 * Yoga's own log calls, as structured lines. Yoga reports through `error`
 * both a client's bad request (a syntax error, say), which is not our
 * fault, and errors the operation log already reported with the request
 * id; both go to debug so each failure is one error line.
 */
function yogaLogger(logger: AppServices["logger"]) {
  const fields = (args: unknown[]) => (args.length > 1 ? { args: args.slice(1) } : undefined);
  return {
    debug: (...args: unknown[]) => logger.debug(messageOf(args[0]), fields(args)),
    info: (...args: unknown[]) => logger.info(messageOf(args[0]), fields(args)),
    warn: (...args: unknown[]) => logger.warn(messageOf(args[0]), fields(args)),
    error: (...args: unknown[]) => {
      const [first] = args;
      const quiet = (first instanceof GraphQLError && expectedError(first) !== null) || wasReported(first);
      if (quiet) logger.debug(messageOf(first), fields(args));
      else logger.error(messageOf(first), { ...fields(args), error: first });
    },
  };
}

/**
 * An error's message, not `String(error)`: a GraphQLError's string prints
 * the document's source line at each of its locations, made before the
 * level is checked. One request's document can be a single line of 1 MiB,
 * and one error can have a location per field: 200 of them cost 0.3 s.
 */
function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}

export type YogaApp = ReturnType<typeof createYogaApp>;
