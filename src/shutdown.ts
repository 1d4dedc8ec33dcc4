import type { Server } from "node:http";
import net from "node:net";

export interface ShutdownOptions {
  /** Everything, requests included, is over within this long. */
  graceMs: number;
  /**
   * How long an idle keep-alive connection is kept after the signal, so a
   * request a client sent just before it still gets an answer (and
   * `Connection: close`) instead of a reset.
   */
  lastCallMs: number;
  /** Called once no connection is left, or when the grace period ends. */
  onDrained: (forced: boolean) => void;
}

/**
 * Stops an HTTP server without dropping what it was asked:
 * - it stops accepting connections at once;
 * - every response from then on says `Connection: close`, so each
 *   keep-alive connection ends after the answer it is giving;
 * - idle keep-alive connections get a short last call, then are closed;
 * - at the end of the grace period whatever is left is cut off.
 *
 * Node's own `server.close()` closes idle keep-alive connections at once,
 * and a request already on its way on one of them (sent, not yet read) is
 * then lost: the client sees a reset for a request it had sent.
 */
export function shutDownGracefully(server: Server, { graceMs, lastCallMs, onDrained }: ShutdownOptions): void {
  let done = false;
  const finish = (forced: boolean) => {
    if (done) return;
    done = true;
    clearTimeout(lastCall);
    clearTimeout(deadline);
    clearInterval(reaper);
    onDrained(forced);
  };
  server.prependListener("request", (_request, response) => response.setHeader("connection", "close"));
  // Not http.Server#close, which would close idle keep-alive connections before their last call.
  net.Server.prototype.close.call(server, () => finish(false));
  let reaper: NodeJS.Timeout | undefined;
  const lastCall = setTimeout(() => {
    // After the I/O phase, so bytes that arrived while the timer waited are read (their
    // connection is then busy, not idle) before idle connections are closed.
    const closeIdle = () => setImmediate(() => server.closeIdleConnections());
    closeIdle();
    reaper = setInterval(closeIdle, 50);
  }, lastCallMs);
  const deadline = setTimeout(() => {
    server.closeAllConnections();
    finish(true);
  }, graceMs);
  // Responses already being written when the signal came close their connection as they end.
  for (const timer of [lastCall, deadline]) timer.unref();
}
