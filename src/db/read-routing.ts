import { LRUCache } from "lru-cache";
import type { Viewer } from "../auth/tokens.js";
import type { ReadSource } from "./client.js";
import type { EventBus } from "../events/bus.js";
import { topics } from "../events/events.js";

/** Viewers who wrote recently, per process: far more than are active within a window. */
const RECENT_WRITERS = 100_000;

/**
 * Where a request outside a unit of work reads: one of the replicas, in
 * turn, unless its viewer committed a write within the last
 * `readYourWritesMs`, when it reads the primary so it sees that write (a
 * replica may lag). Mutations never ask: their unit of work reads and
 * writes the primary, payload included.
 *
 * The recent writers are kept in each process, and each learns of the
 * others' through the event bus (`accountWrote`, published after COMMIT):
 * with REDIS_URL, a viewer whose next request lands on another instance
 * reads the primary there too, once the event has crossed Redis (a
 * millisecond or so, against a replica's lag). Without it, each instance
 * knows only its own writers.
 */
export class ReadRouting {
  readonly #recentWriters: LRUCache<number, true> | null;
  #next = 0;

  constructor(
    private readonly primary: ReadSource,
    private readonly replicas: readonly ReadSource[],
    readYourWritesMs: number,
  ) {
    this.#recentWriters = replicas.length && readYourWritesMs > 0 ? new LRUCache({ max: RECENT_WRITERS, ttl: readYourWritesMs }) : null;
  }

  sourceFor(viewer: Viewer | null): ReadSource {
    if (!this.replicas.length) return this.primary;
    if (viewer && this.#recentWriters?.has(viewer.id)) return this.primary;
    this.#next = (this.#next + 1) % this.replicas.length;
    return this.replicas[this.#next]!;
  }

  /** Whether writers are kept at all (there are replicas, and a window): only then are writes worth announcing. */
  get keepsWriters(): boolean {
    return this.#recentWriters !== null;
  }

  /** The account committed a write: its reads go to the primary for the window. */
  wrote(accountId: number): void {
    this.#recentWriters?.set(accountId, true);
  }

  /** Keeps the writers other instances announce, until the bus closes. */
  hearWritersFrom(bus: EventBus): void {
    if (!this.keepsWriters) return;
    const listener = bus.listen([topics.writers]);
    void (async () => {
      for (let heard = await listener.next(); heard !== null; heard = await listener.next()) {
        for (const event of heard) if (event.kind === "accountWrote") this.wrote(event.userId);
      }
    })();
  }
}
