import type { Server, ServerResponse } from "node:http";
import net, { type Socket } from "node:net";
import type { ErrorCode } from "./errors.js";

/** The answer a request still running at the end of the grace period gets, instead of a reset. */
const SHUTTING_DOWN_BODY = JSON.stringify({
  errors: [{ message: "The server is shutting down; try again.", extensions: { code: "SHUTTING_DOWN" satisfies ErrorCode } }],
});
/** How long those answers get to reach their clients before every connection is closed. */
const FLUSH_MS = 100;

const unanswered = new WeakMap<Server, Set<ServerResponse>>();
/** Keep-alive connections between two requests: each has answered one, and has not started another. */
const betweenRequests = new WeakMap<Server, Set<Socket>>();
/** Connections that have sent nothing yet, with when they were accepted. */
const silent = new WeakMap<Server, Map<Socket, number>>();
/** A connection that has sent nothing for this long after it was accepted is taken to send nothing (a browser's preconnect). */
const SILENT_MS = 1_000;

/**
 * Keeps the set of responses not yet finished, from the first request on,
 * so a shutdown can answer each of them, and the set of connections that
 * are between requests, so it can close exactly those. Call it when the
 * server is made.
 */
export function trackResponses(server: Server): void {
  const responses = new Set<ServerResponse>();
  const idle = new Set<Socket>();
  const quiet = new Map<Socket, number>();
  unanswered.set(server, responses);
  betweenRequests.set(server, idle);
  silent.set(server, quiet);
  server.on("connection", (socket: Socket) => {
    quiet.set(socket, performance.now());
    socket.once("data", () => quiet.delete(socket));
    // Once per connection, not per request: a keep-alive connection serves
    // any number of requests, and a listener each would pile up until it closed.
    socket.once("close", () => {
      quiet.delete(socket);
      idle.delete(socket);
    });
  });
  server.prependListener("request", (request, response) => {
    const socket = request.socket;
    idle.delete(socket);
    responses.add(response);
    response.once("close", () => responses.delete(response));
    response.once("finish", () => {
      if (!socket.destroyed) idle.add(socket);
    });
  });
}

/**
 * Closes the keep-alive connections that answered a request and have not
 * started another, and those that have sent nothing for SILENT_MS since
 * they were accepted. Not Node's closeIdleConnections: on Node 24 (not on
 * 20) it also closes a connection whose first request has arrived but not
 * yet been read by a busy server, and its client sees a reset for a request
 * it sent (test/faults/shutdown.test.ts: 18 of 200).
 */
function closeIdleConnections(server: Server): void {
  for (const socket of betweenRequests.get(server) ?? []) {
    if (socket.readableLength === 0) socket.destroy();
  }
  const now = performance.now();
  for (const [socket, acceptedAt] of silent.get(server) ?? []) {
    if (socket.bytesRead === 0 && now - acceptedAt >= SILENT_MS) socket.destroy();
  }
}

/**
 * Answers a request that is still running with 503 SHUTTING_DOWN; the
 * handler still holding the response finds it answered, and its late
 * writes go nowhere.
 */
function answerShuttingDown(response: ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response
    .writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "1", connection: "close" })
    .end(SHUTTING_DOWN_BODY);
  const ignore = () => response;
  Object.assign(response, { writeHead: ignore, setHeader: ignore, removeHeader: ignore, write: () => true, end: ignore, flushHeaders: () => undefined });
}

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

/** The listener stays open until no connection has arrived for this long and none is waiting to be accepted… */
const QUIET_MS = 100;

/**
 * Stops an HTTP server without dropping what it was asked:
 * - it keeps accepting for a last call, until connections stop arriving
 *   and none is left waiting: a connection the kernel has already
 *   completed waits in the listen backlog until Node accepts it, and
 *   closing the listener resets every connection still there, requests
 *   sent and all. Node (libuv since 1.45) accepts one connection per turn
 *   of the event loop, so a busy server whose turns are long can have
 *   dozens waiting there for a second or more, and a pause between two
 *   accepts says nothing about the backlog being empty; a turn that
 *   accepts nothing does (test/shutdown.test.ts). Accepting stops at half
 *   the grace period whatever arrives, so the last accepted requests still
 *   have the other half;
 * - every response from the signal on says `Connection: close`, so each
 *   keep-alive connection ends after the answer it is giving;
 * - once the listener is closed, idle keep-alive connections are closed;
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
    clearInterval(watcher);
    clearInterval(reaper);
    clearTimeout(deadline);
    onDrained(forced);
  };
  server.prependListener("request", (_request, response) => response.setHeader("connection", "close"));
  const signalledAt = performance.now();
  const acceptingUntil = signalledAt + graceMs / 2;
  let lastConnectionAt = signalledAt;
  let accepted = 0;
  server.on("connection", () => {
    lastConnectionAt = performance.now();
    accepted += 1;
  });
  let reaper: NodeJS.Timeout | undefined;
  // The timer fires before the turn's I/O phase and the check runs after it
  // (setImmediate): if that phase accepted nothing, the backlog was empty
  // when it looked, since libuv accepts whenever the listener is readable.
  const watcher = setInterval(() => {
    const acceptedBefore = accepted;
    setImmediate(() => {
      if (done || reaper) return;
      const now = performance.now();
      const backlogEmpty = accepted === acceptedBefore;
      const quiet = backlogEmpty && now - signalledAt >= lastCallMs && now - lastConnectionAt >= QUIET_MS;
      if (!quiet && now < acceptingUntil) return;
      clearInterval(watcher);
      // Not http.Server#close, which would close idle keep-alive connections before their last call.
      net.Server.prototype.close.call(server, () => finish(false));
      const closeIdle = () => setImmediate(() => closeIdleConnections(server));
      closeIdle();
      reaper = setInterval(closeIdle, 50);
    });
  }, 25);
  // At the end of the grace period every request still running is answered
  // 503 (what it was doing is abandoned, and rolled back with its
  // connection), then every connection is closed.
  const deadline = setTimeout(() => {
    for (const response of unanswered.get(server) ?? []) answerShuttingDown(response);
    setTimeout(() => {
      server.closeAllConnections();
      finish(true);
    }, FLUSH_MS);
  }, graceMs - FLUSH_MS);
  // Responses already being written when the signal came close their connection as they end.
  deadline.unref();
}
