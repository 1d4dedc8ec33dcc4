import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { EmbeddedDatabaseInUseError } from "./db/embedded-lock.js";
import { createLogger } from "./logger.js";
import { shutDownGracefully, trackResponses } from "./shutdown.js";
import { tracedRequests } from "./tracing/tracing.js";
import { MAX_REQUEST_BODY_BYTES } from "./yoga.js";

/** Everything is over this long after SIGTERM/SIGINT, whatever the database does. */
const SHUTDOWN_GRACE_MS = 10_000;
/**
 * Requests still running this long after the signal are answered 503
 * SHUTTING_DOWN. The rest of the grace period closes the database and
 * exits; on a loaded machine timers fire late, so a full second is kept
 * spare at the end.
 */
const REQUEST_DEADLINE_MS = 8_000;
/** The process exits by now, closed or not: a second before the grace period ends. */
const EXIT_BY_MS = 9_000;
/** Idle keep-alive connections are kept this long after the signal, for requests already on their way. */
const LAST_CALL_MS = 250;

/**
 * How often Node looks for requests past their time (requestTimeoutMs);
 * its default of 30 s would let a slow request run up to 30 s over.
 */
const REQUEST_TIMEOUT_CHECK_MS = 1_000;

/** Said when the port is taken: the whole message, on one line. */
class PortInUseError extends Error {}

/** Binds the port, or fails with PortInUseError. */
function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(`Port ${port} on ${host} is already in use (another Inkwell?); stop it or set PORT.`)
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // The port first: a second server on a busy port must fail before it opens
  // (and, for PGlite, locks and recovers) the first one's data directory.
  // Until the app is built, requests are answered 503.
  let handle: RequestListener = (_request, response) => {
    response.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "1" }).end("starting\n");
  };
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: REQUEST_TIMEOUT_CHECK_MS,
    },
    (request, response) => handle(request, response),
  );
  trackResponses(server);
  // A client that asks before sending its body (Expect: 100-continue, as curl does past 1 MiB) is
  // told to go on only when the length it declares is within the body limit. Over it, the request
  // goes straight to the body limit's 413, and the client is spared sending what would be refused.
  server.on("checkContinue", (request, response) => {
    if (!(Number(request.headers["content-length"]) > MAX_REQUEST_BODY_BYTES)) response.writeContinue();
    server.emit("request", request, response);
  });
  const address = await listen(server, config.port, config.host);
  // The SDK is loaded only when the OTEL_* variables ask for traces.
  const tracing = config.tracing ? (await import("./tracing/sdk.js")).startTracing(process.env) : null;
  const app = await createApp(config, logger, { tracer: tracing?.tracer });
  handle = tracing ? tracedRequests(app.yoga, tracing.tracer) : app.yoga;
  const host = config.host === "0.0.0.0" ? "localhost" : config.host;
  logger.info("listening", { url: `http://${host}:${address.port}${app.yoga.graphqlEndpoint}`, database: app.database.kind });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const startedAt = Date.now();
    logger.info("shutting down", { signal, graceMs: SHUTDOWN_GRACE_MS });
    // A subscription never ends by itself: each gets SHUTTING_DOWN as its last event, and its response ends.
    app.endSubscriptions();
    // A load balancer polling /readyz stops sending work here; everything else is still served.
    const serve = handle;
    handle = (request, response) => {
      if (new URL(request.url ?? "/", "http://x").pathname !== "/readyz") return serve(request, response);
      response.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("not ready: shutting down\n");
    };
    const exit = (code: 0 | 1) => {
      logger.info("stopped", { durationMs: Date.now() - startedAt, exitCode: code });
      process.exit(code);
    };
    // Whatever happens below (a frozen database, say), the process is gone
    // before the grace period ends. Every request has had its answer by
    // then; a PostgreSQL server rolls back whatever the dropped
    // connections had open, so nothing is lost and that is still a clean
    // stop. PGlite lives in this process: if it has not closed, its files
    // may not be, and that is a failure.
    setTimeout(() => {
      if (app.database.kind === "postgres") {
        logger.warn("the database did not close within the grace period; its connections end with the process");
        exit(0);
      } else {
        logger.error("the embedded database did not close within the grace period");
        exit(1);
      }
    }, EXIT_BY_MS).unref();
    shutDownGracefully(server, {
      graceMs: REQUEST_DEADLINE_MS,
      lastCallMs: LAST_CALL_MS,
      onDrained: (forced) => {
        if (forced) logger.warn("requests still running at the request deadline were answered 503 SHUTTING_DOWN", { deadlineMs: REQUEST_DEADLINE_MS });
        // The last spans are sent after the database has closed, so they include its closing.
        void app
          .close()
          .then(() => tracing?.shutdown())
          .then(
            () => exit(0),
            (error: unknown) => {
              logger.error("closing the database or sending the last spans failed", { error });
              exit(1);
            },
          );
      },
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Invalid configuration: ${error.message}\n`);
  } else if (error instanceof PortInUseError || error instanceof EmbeddedDatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
