/**
 * Backpressure for `@stream`. graphql-tools' executor pulls a streamed
 * list's async iterator as fast as it yields, queueing every item until the
 * client takes it: a slow client, or a fast database, would make an export
 * of a million posts a million items in memory. So a streaming resolver
 * asks its request's Demand before each read after the first: it goes on
 * once the response has pulled its next part (the client has taken what
 * came before), and stops when the response is closed.
 *
 * useIncrementalDelivery (src/plugins/defer-stream.ts) counts the pulls.
 * Until the first part has been produced nothing waits, since nothing can
 * pull yet: the items of a stream's `initialCount` are read at once.
 */
export class Demand {
  #streaming = false;
  #closed = false;
  #pulls = 0;
  #seen = 0;
  #waiters: (() => void)[] = [];

  /** The answer is now sent in parts; reads wait for pulls from here on. */
  startStreaming(): void {
    this.#streaming = true;
  }

  /** The response asked for its next part. */
  pulled(): void {
    this.#pulls += 1;
    this.#wake();
  }

  /** The response is finished or abandoned: waiting reads give up. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  /** Resolves true when the reader may read on, false when the response is gone. */
  async ready(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (this.#closed || signal?.aborted) return false;
      if (!this.#streaming || this.#pulls > this.#seen) {
        this.#seen = this.#pulls;
        return true;
      }
      await new Promise<void>((resolve) => {
        // One listener per wait, removed when the wait ends: left behind, they would pile up on
        // the request's signal for every chunk of a long stream.
        const wake = () => {
          signal?.removeEventListener("abort", wake);
          resolve();
        };
        this.#waiters.push(wake);
        signal?.addEventListener("abort", wake, { once: true });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

const demands = new WeakMap<object, Demand>();

/** The Demand of a request, by its context object (made on first use). */
export function demandOf(context: object): Demand {
  let demand = demands.get(context);
  if (!demand) demands.set(context, (demand = new Demand()));
  return demand;
}
