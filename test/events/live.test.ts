import { describe, expect, it } from "vitest";
import { createEventBus } from "../../src/events/bus.js";
import { liveStream } from "../../src/events/live.js";
import { createLogger } from "../../src/logger.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a live stream", () => {
  it("stops catching up when its subscription ends, although its reads deliver nothing", async () => {
    const events = createEventBus({ redisUrl: null, namespace: "test", logger: createLogger("error", () => undefined) });
    const subscription = new AbortController();
    let reads = 0;
    // A stream far behind whose reads all pass over what it does not deliver (a rare tag): more to read, nothing to yield.
    const stream = await liveStream({ events, signal: subscription.signal }, ["topic"], async () => {
      reads += 1;
      await pause(1);
      return { items: [], more: true };
    });
    const iterator = stream[Symbol.asyncIterator]();
    // Yoga asks for the next event; none comes while the stream catches up.
    void iterator.next();
    await pause(50);
    expect(reads).toBeGreaterThan(1);
    subscription.abort();
    await pause(20);
    const afterEnd = reads;
    await pause(100);
    expect(reads).toBe(afterEnd);
    await events.close();
  });
});
