import { describe, expect, it } from "vitest";
import { createEventBus } from "../../src/events/bus.js";
import { topics, type DomainEvent } from "../../src/events/events.js";
import { createLogger } from "../../src/logger.js";

const memoryBus = () => createEventBus({ redisUrl: null, namespace: "test", logger: createLogger("error", () => undefined) });
const comment = (commentId: number): DomainEvent => ({ kind: "commentAdded", postId: 1, commentId });

describe("the in-memory event bus", () => {
  it("hands each listener the events of its topics, in order, all that arrived since it last asked", async () => {
    const bus = memoryBus();
    const post = bus.listen([topics.commentsOf(1), topics.withdrawalOf(1)]);
    const other = bus.listen([topics.commentsOf(2)]);
    bus.publish([comment(1), { kind: "postWithdrawn", postId: 1 }, { kind: "commentAdded", postId: 2, commentId: 3 }]);
    bus.publish([comment(4)]);
    expect(await post.next()).toEqual([comment(1), { kind: "postWithdrawn", postId: 1 }, comment(4)]);
    expect(await other.next()).toEqual([{ kind: "commentAdded", postId: 2, commentId: 3 }]);
    await bus.close();
  });

  it("keeps at most 1,000 events for a listener that does not ask, then tells it to read again instead", async () => {
    const bus = memoryBus();
    const slow = bus.listen([topics.commentsOf(1)]);
    bus.publish(Array.from({ length: 1_001 }, (_, i) => comment(i + 1)));
    expect(await slow.next()).toEqual([]);
    bus.publish([comment(2_000)]);
    expect(await slow.next()).toEqual([comment(2_000)]);
    await bus.close();
  });

  it("answers null to a closed listener, and hands a closed one nothing more", async () => {
    const bus = memoryBus();
    const listener = bus.listen([topics.commentsOf(1)]);
    const waiting = listener.next();
    listener.close();
    expect(await waiting).toBeNull();
    const open = bus.listen([topics.commentsOf(1)]);
    const pending = open.next();
    await bus.close();
    expect(await pending).toBeNull();
  });
});
