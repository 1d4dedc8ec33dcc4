import type { EventListener } from "../../src/events/bus.js";
import type { DomainEvent } from "../../src/events/events.js";
import type { TestApp } from "./test-app.js";

/** The events a bus listener hears within `ms` (none: an empty list). Waits on the listener once: close it after. */
export async function heardWithin(listener: EventListener, ms: number): Promise<readonly DomainEvent[]> {
  const timeout = new Promise<readonly DomainEvent[]>((resolve) => setTimeout(() => resolve([]), ms));
  return Promise.race([listener.next().then((events) => events ?? []), timeout]);
}

/** One `next` event of a subscription: a GraphQL result. */
export interface SubscriptionEvent<TData = Record<string, any>> {
  data?: TData | null;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

export interface OpenStream<TData = Record<string, any>> {
  status: number;
  headers: Headers;
  /** The next event; rejects after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<SubscriptionEvent<TData>>;
  /** Every event that arrives within `ms`. */
  collect(ms: number): Promise<SubscriptionEvent<TData>[]>;
  /** Resolves once the server has ended the stream (`complete`, or the body ended). */
  readonly completed: Promise<void>;
  /** Comment lines (keep-alive pings) seen so far. */
  readonly pings: number;
  close(): void;
}

/**
 * Subscribes over server-sent events as a browser's EventSource-less client
 * does (GraphQL over SSE, "distinct connections" mode, which is what Yoga
 * serves): a POST with `Accept: text/event-stream`, read event by event.
 * `fetch` defaults to the in-process app; pass one for a real server.
 */
export async function subscribe<TData = Record<string, any>>(
  target: TestApp | { fetch: (path: string, init: RequestInit) => Promise<Response> },
  query: string,
  options: { variables?: Record<string, unknown>; token?: string; operationName?: string } = {},
): Promise<OpenStream<TData>> {
  const abort = new AbortController();
  const response = await target.fetch("/graphql", {
    method: "POST",
    signal: abort.signal,
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables, operationName: options.operationName }),
  });
  const queue: SubscriptionEvent<TData>[] = [];
  const waiters: Array<() => void> = [];
  let pings = 0;
  let done = false;
  let markCompleted!: () => void;
  const completed = new Promise<void>((resolve) => (markCompleted = resolve));
  const wake = () => waiters.splice(0).forEach((resolve) => resolve());
  const finish = () => {
    done = true;
    markCompleted();
    wake();
  };
  void (async () => {
    if (!response.body) return finish();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          if (lines.every((line) => line.startsWith(":"))) {
            pings += 1;
            continue;
          }
          const event = lines.find((line) => line.startsWith("event:"))?.slice(6).trim();
          const data = lines.filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
          if (event === "complete") return finish();
          if (event === "next" && data) {
            queue.push(JSON.parse(data) as SubscriptionEvent<TData>);
            wake();
          }
        }
      }
    } catch {
      // Closed by us, or the connection ended.
    }
    finish();
  })();
  const next = async (timeoutMs = 5_000): Promise<SubscriptionEvent<TData>> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (done) throw new Error("the stream ended without another event");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return queue.shift()!;
  };
  return {
    status: response.status,
    headers: response.headers,
    next,
    async collect(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return queue.splice(0);
    },
    completed,
    get pings() {
      return pings;
    },
    close: () => abort.abort(),
  };
}
