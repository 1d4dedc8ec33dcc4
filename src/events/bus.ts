import { once } from "node:events";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { isDomainEvent, topicOf, type DomainEvent } from "./events.js";

/**
 * How committed events reach the subscriptions of every instance.
 *
 * Without REDIS_URL the bus is this process's memory: `npm start` needs
 * nothing new, and one process hears its own events.
 *
 * With REDIS_URL every instance publishes each unit of work's events as one
 * Redis message on one channel per deployment, and every instance
 * subscribes to that channel once, at start, through Yoga's Redis event
 * target, then hands each event to its own listeners by topic. One channel
 * rather than one per topic: a per-topic SUBSCRIBE is sent when the first
 * subscriber of a post arrives, and the event target does not say when
 * Redis has it, so a comment committed in between would be missed; the
 * deployment's channel is subscribed before the server takes a request.
 * Every instance then receives every event (a few hundred bytes per
 * write), which is cheap next to the write itself.
 *
 * Why Redis and not PostgreSQL's LISTEN/NOTIFY: NOTIFY serialises the
 * commits of every notifying transaction behind one lock, it needs a
 * session connection per instance that transaction-mode poolers do not
 * give, and the Redis the instances already share for attempt limits fans
 * out without touching the database.
 *
 * When the subscription to Redis is lost and comes back, events may have
 * been missed: every listener is told to read again (`resync`).
 */
export interface EventBus {
  /** Delivers the events of one committed unit of work to every instance's listeners. */
  publish(events: readonly DomainEvent[]): void;
  /** Hears the events of `topics` from now on. */
  listen(topics: readonly string[]): EventListener;
  /** Resolves once this process hears every event published from now on (the Redis subscription is in place). */
  ready(): Promise<void>;
  /** Ends every listener (their `next` returns null) and disconnects. */
  close(): Promise<void>;
}

export interface EventListener {
  /**
   * Waits for events and returns every one heard since the last call, in
   * the order heard; an empty list when some may have been missed (read
   * again); null once the listener or the bus is closed.
   */
  next(): Promise<readonly DomainEvent[] | null>;
  close(): void;
}

/** How long start waits for the Redis subscription before serving without it. */
const READY_TIMEOUT_MS = 5_000;

/** Events a listener holds before it is told to read again instead: a subscriber far behind costs no more memory. */
const MAX_QUEUED_EVENTS = 1_000;

export function createEventBus(options: { redisUrl: string | null; namespace: string; logger: Logger }): EventBus {
  const local = new LocalListeners();
  if (!options.redisUrl) {
    return {
      publish: (events) => events.forEach((event) => local.deliver(event)),
      listen: (topics) => local.listen(topics),
      ready: async () => undefined,
      close: async () => local.closeAll(),
    };
  }
  return redisBus(options.redisUrl, `inkwell:events:${options.namespace}`, local, options.logger);
}

function redisBus(url: string, channel: string, local: LocalListeners, logger: Logger): EventBus {
  // While Redis is away, commands wait in ioredis's queue for as long as it
  // takes (no retry limit: by default a command is failed after 20 reconnection
  // attempts, and the event target would drop the failure unhandled), so a
  // committed event is published once Redis is back, while the process lives.
  // Named, so CLIENT LIST says whose connections these are.
  const options = { lazyConnect: false, maxRetriesPerRequest: null };
  const publishClient = new Redis(url, { ...options, connectionName: `${channel}:publish` });
  const subscribeClient = new Redis(url, { ...options, connectionName: `${channel}:subscribe` });
  let lastErrorLogged = 0;
  const reportError = (error: Error) => {
    // One line a minute while Redis is away, not one per reconnect attempt.
    if (Date.now() - lastErrorLogged < 60_000) return;
    lastErrorLogged = Date.now();
    logger.warn("event bus: Redis unavailable", { error: error.message });
  };
  publishClient.on("error", reportError);
  subscribeClient.on("error", reportError);
  const target = createRedisEventTarget({ publishClient, subscribeClient });
  target.addEventListener(channel, (event: CustomEvent<unknown>) => {
    const events = Array.isArray(event.detail) ? event.detail : [];
    for (const received of events) if (isDomainEvent(received)) local.deliver(received);
  });
  // PING is answered after the SUBSCRIBE sent before it: then the channel is heard.
  const subscribed = subscribeClient.ping().then(() => undefined);
  // (Re)connected, and ioredis subscribed again: whatever was published while this instance was away was not heard.
  subscribeClient.on("ready", () => void subscribeClient.ping().then(() => local.resyncAll(), () => undefined));
  return {
    publish: (events) => {
      if (events.length) target.dispatchEvent(new CustomEvent(channel, { detail: events }));
    },
    listen: (topics) => local.listen(topics),
    ready: async () => {
      // A Redis that is away at start does not keep the server from serving; its subscribers catch up once it is back.
      const timedOut = await Promise.race([subscribed.then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS, true).unref())]);
      if (timedOut) logger.warn("event bus: Redis not reachable yet; subscriptions on this instance hear other instances once it is", { waitedMs: READY_TIMEOUT_MS });
    },
    close: async () => {
      local.closeAll();
      // After a reconnection ioredis sends SUBSCRIBE again and keeps no handler on it: closing before it is
      // answered rejects it unhandled. So wait for the connection (a second at most), and for a PING behind it.
      if (subscribeClient.status !== "ready") {
        await Promise.race([once(subscribeClient, "ready"), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]).catch(() => undefined);
      }
      if (subscribeClient.status === "ready") await subscribeClient.ping().catch(() => undefined);
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/** This process's listeners, by topic. */
class LocalListeners {
  readonly #byTopic = new Map<string, Set<QueueListener>>();

  listen(topics: readonly string[]): EventListener {
    const listener = new QueueListener(() => {
      for (const topic of topics) {
        const set = this.#byTopic.get(topic);
        set?.delete(listener);
        if (set?.size === 0) this.#byTopic.delete(topic);
      }
    });
    for (const topic of topics) {
      let set = this.#byTopic.get(topic);
      if (!set) this.#byTopic.set(topic, (set = new Set()));
      set.add(listener);
    }
    return listener;
  }

  deliver(event: DomainEvent): void {
    const set = this.#byTopic.get(topicOf(event));
    if (set) for (const listener of set) listener.push(event);
  }

  resyncAll(): void {
    for (const set of this.#byTopic.values()) for (const listener of set) listener.resync();
  }

  closeAll(): void {
    for (const set of [...this.#byTopic.values()]) for (const listener of [...set]) listener.close();
  }
}

class QueueListener implements EventListener {
  #queue: DomainEvent[] = [];
  #resync = false;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(private readonly detach: () => void) {}

  push(event: DomainEvent): void {
    if (this.#queue.length >= MAX_QUEUED_EVENTS) {
      this.#queue = [];
      this.#resync = true;
    } else {
      this.#queue.push(event);
    }
    this.#wake?.();
  }

  resync(): void {
    this.#queue = [];
    this.#resync = true;
    this.#wake?.();
  }

  async next(): Promise<readonly DomainEvent[] | null> {
    while (!this.#closed && !this.#resync && this.#queue.length === 0) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    if (this.#closed) return null;
    if (this.#resync) {
      this.#resync = false;
      return [];
    }
    const events = this.#queue;
    this.#queue = [];
    return events;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.detach();
    this.#wake?.();
  }
}
