import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { shutDownGracefully, trackResponses } from "./shutdown.js";

/** Everything is over this long after SIGTERM/SIGINT, whatever the database does. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Kept from the grace period for closing the pool (or PGlite) after the last request… */
const CLOSE_BUDGET_MS = 1_000;
/** …and, of that, for the process to exit and be seen to. */
const EXIT_MARGIN_MS = 500;
/** Idle keep-alive connections are kept this long after the signal, for requests already on their way. */
const LAST_CALL_MS = 250;

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
  const server = createServer((request, response) => handle(request, response));
  trackResponses(server);
  const address = await listen(server, config.port, config.host);
  const app = await createApp(config, logger);
  handle = app.yoga;
  const host = config.host === "0.0.0.0" ? "localhost" : config.host;
  logger.info("listening", { url: `http://${host}:${address.port}${app.yoga.graphqlEndpoint}`, database: app.database.kind });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const startedAt = Date.now();
    logger.info("shutting down", { signal, graceMs: SHUTDOWN_GRACE_MS });
    // A load balancer polling /readyz stops sending work here; everything else is still served.
    const serve = handle;
    handle = (request, response) => {
      if (new URL(request.url ?? "/", "http://x").pathname !== "/readyz") return serve(request, response);
      response.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("not ready: shutting down\n");
    };
    // Whatever happens below (a frozen database, say), the process is gone when the grace period ends.
    setTimeout(() => {
      logger.error("closing the database did not finish within the grace period; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS - EXIT_MARGIN_MS).unref();
    shutDownGracefully(server, {
      graceMs: SHUTDOWN_GRACE_MS - CLOSE_BUDGET_MS,
      lastCallMs: LAST_CALL_MS,
      onDrained: (forced) => {
        if (forced) logger.warn("requests still running at the end of the grace period were answered 503 SHUTTING_DOWN");
        void app.close().then(
          () => {
            logger.info("stopped", { durationMs: Date.now() - startedAt });
            process.exit(forced ? 1 : 0);
          },
          (error: unknown) => {
            logger.error("closing the database failed", { error });
            process.exit(1);
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
  } else if (error instanceof PortInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
