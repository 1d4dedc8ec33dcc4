import { isIP } from "node:net";
import type { YogaInitialContext } from "graphql-yoga";

/**
 * The client's network address, which attempt limits and the signed-out
 * subscription limit count by. With `trustedProxies` = n, the request came
 * through n proxies of our own, each appending the address it was called
 * from to `X-Forwarded-For`: the client is the n-th entry from the right.
 * Whatever stands left of it the client wrote itself, so reading the first
 * entry (as the server did until 2026-12-07) let anyone pick a new address
 * for each request and walk past every limit. An entry that is no IP
 * address, or a request with no header, counts as the connection's peer.
 */
export function clientAddressOf(initial: YogaInitialContext, trustedProxies: number): string {
  const peer = (initial as unknown as { req?: { socket?: { remoteAddress?: string } } }).req?.socket?.remoteAddress ?? "unknown";
  if (trustedProxies === 0) return peer;
  const forwarded = (initial.request.headers.get("x-forwarded-for") ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  if (!forwarded.length) return peer;
  const client = forwarded[Math.max(0, forwarded.length - trustedProxies)]!;
  return isIP(client) ? client : peer;
}
