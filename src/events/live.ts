import { databaseFault } from "../errors.js";
import type { EventBus } from "./bus.js";
import type { DomainEvent } from "./events.js";

/** What one read of a subscription found: the items to deliver, and whether more are waiting (read again at once). */
export interface LiveRead<Item> {
  readonly items: readonly Item[];
  readonly more?: boolean;
}

/**
 * Why a read runs: `null` for the first read, when the subscription starts;
 * otherwise the events heard since the last read, empty when some may have
 * been missed (read everything that may have changed).
 */
export type Heard = readonly DomainEvent[] | null;

/**
 * The shape of every subscription: listen to `topics`, read once, then
 * read again whenever something is heard, until the subscription ends
 * (`signal`). Events are only reasons to read: what is delivered is read
 * from the database by `read`, through the domain's own read path and
 * access rules, so a lost or repeated event changes nothing a reader with a
 * position (a cursor, the last ledger entry) delivers.
 *
 * The listener is attached before the first read, so nothing committed
 * after that read is missed; the first read runs before the stream is
 * returned, so its errors (NOT_FOUND, a bad cursor) answer the request
 * itself. A later read that meets a database fault (every connection busy,
 * a timeout, the database away for a moment) is tried again, for the same
 * events, after growing pauses for up to RETRY_FOR_MS; events heard
 * meanwhile wait for the next read. Other errors, and a fault that outlasts the
 * retries, end the stream with that error as its last event
 * (src/plugins/subscriptions.ts).
 */
export async function liveStream<Item>(
  live: { readonly events: EventBus; readonly signal: AbortSignal },
  topics: readonly string[],
  read: (heard: Heard) => Promise<LiveRead<Item>>,
): Promise<AsyncIterable<Item>> {
  const listener = live.events.listen(topics);
  const stop = () => listener.close();
  live.signal.addEventListener("abort", stop, { once: true });
  let first: LiveRead<Item>;
  try {
    if (live.signal.aborted) throw live.signal.reason;
    first = await read(null);
  } catch (error) {
    live.signal.removeEventListener("abort", stop);
    listener.close();
    throw error;
  }
  return (async function* stream(): AsyncGenerator<Item> {
    try {
      let found = first;
      for (;;) {
        yield* found.items;
        let heard: Heard = [];
        if (!found.more) {
          const next = await listener.next();
          if (next === null) return;
          heard = next;
        }
        // A stream catching up reads again at once, and one that delivers nothing from those reads (a rare
        // tag) never yields: without this it would read on to the end after its client went away.
        if (live.signal.aborted) return;
        found = await readPatiently(read, heard, live.signal);
      }
    } finally {
      live.signal.removeEventListener("abort", stop);
      listener.close();
    }
  })();
}

/** The longest a stream waits, in growing pauses, for a database fault to pass. */
const RETRY_FOR_MS = 10_000;
const FIRST_PAUSE_MS = 50;

async function readPatiently<Item>(read: (heard: Heard) => Promise<LiveRead<Item>>, heard: Heard, signal: AbortSignal): Promise<LiveRead<Item>> {
  const giveUpAt = Date.now() + RETRY_FOR_MS;
  for (let pause = FIRST_PAUSE_MS; ; pause *= 2) {
    try {
      // The same events again: a read that failed delivered nothing, and moved no position.
      return await read(heard);
    } catch (error) {
      if (!databaseFault(error) || Date.now() + pause > giveUpAt || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
