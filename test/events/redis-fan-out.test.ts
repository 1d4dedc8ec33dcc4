import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "../../src/events/bus.js";
import { topics } from "../../src/events/events.js";
import { createLogger } from "../../src/logger.js";
import { grant, rowId, send, usersWithTokens } from "../credits/support.js";
import { createPostgresTestDatabase } from "../support/databases.js";
import { addComment, createPost } from "../support/fixtures.js";
import { heardWithin, subscribe } from "../support/subscriptions.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const quiet = createLogger("error", () => undefined);

describe("the event bus on Redis", () => {
  const buses: EventBus[] = [];
  const open = async (namespace: string) => {
    const bus = createEventBus({ redisUrl: REDIS_URL, namespace, logger: quiet });
    buses.push(bus);
    await bus.ready();
    return bus;
  };
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it("delivers an instance's events to every instance of its deployment, once, and none to another deployment's", async () => {
    const deployment = randomUUID();
    const [a, b, elsewhere] = [await open(deployment), await open(deployment), await open(randomUUID())];
    const [onA, onB, onElsewhere] = [a, b, elsewhere].map((bus) => bus.listen([topics.commentsOf(7)]));
    a.publish([{ kind: "commentAdded", postId: 7, commentId: 70 }, { kind: "creditsChanged", userId: 7 }]);
    expect(await heardWithin(onA!, 1_000)).toEqual([{ kind: "commentAdded", postId: 7, commentId: 70 }]);
    expect(await heardWithin(onB!, 1_000)).toEqual([{ kind: "commentAdded", postId: 7, commentId: 70 }]);
    expect(await heardWithin(onElsewhere!, 300)).toEqual([]);
    for (const listener of [onA, onB, onElsewhere]) listener!.close();
  });

  it("tells every listener to read again when its subscription to Redis was lost and is back", async () => {
    const deployment = randomUUID();
    const bus = await open(deployment);
    const listener = bus.listen([topics.creditsOf(1)]);
    const admin = new Redis(REDIS_URL);
    try {
      // Cut this bus's subscription (its connection is named after its channel): ioredis reconnects and subscribes again.
      const clients = String(await admin.call("CLIENT", "LIST", "TYPE", "pubsub")).split("\n");
      const id = clients.find((line) => line.includes(`name=inkwell:events:${deployment}:subscribe`))?.match(/\bid=(\d+)/)?.[1];
      expect(id).toBeDefined();
      expect(Number(await admin.client("KILL", "ID", id!))).toBe(1);
      // An empty list, not a timeout: "read again".
      const heard = await Promise.race([listener.next(), new Promise((resolve) => setTimeout(() => resolve("nothing within 5 s"), 5_000))]);
      expect(heard).toEqual([]);
    } finally {
      listener.close();
      admin.disconnect();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("two instances on one PostgreSQL and one Redis", () => {
  let drop: () => Promise<void>;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const database = await createPostgresTestDatabase();
    drop = database.drop;
    first = await startTestApp("postgres", { databaseUrl: database.url, env: { REDIS_URL } });
    second = await startTestApp("postgres", { databaseUrl: database.url, env: { REDIS_URL }, migrate: false });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await drop?.();
  });

  it("delivers what either instance commits to subscribers on both, each once and in order", async () => {
    const [writer] = await usersWithTokens(first, 1);
    const post = await createPost(first, writer!);
    const query = `subscription Added($postId: ID!) { commentAdded(postId: $postId) { node { id body } } }`;
    const onFirst = await subscribe(first, query, { variables: { postId: post.id } });
    const onSecond = await subscribe(second, query, { variables: { postId: post.id } });
    const written: string[] = [];
    for (let i = 0; i < 10; i += 1) written.push(await addComment(i % 2 ? second : first, writer!, post.id, `Comment ${i}.`));
    for (const stream of [onFirst, onSecond]) {
      const received: string[] = [];
      while (received.length < written.length) received.push((await stream.next()).data!.commentAdded.node.id);
      expect(received).toEqual(written);
      expect(await stream.collect(200)).toEqual([]);
      stream.close();
    }
  });

  it("tells a viewer subscribed on one instance of a transfer made through the other", async () => {
    const [admin, payer, payee] = await usersWithTokens(first, 3);
    await first.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    await grant(second, admin!, payer!, 50);
    const stream = await subscribe(first, `subscription { creditsChanged { balance } }`, { token: payee!.token });
    expect((await stream.next()).data).toEqual({ creditsChanged: { balance: 0 } });
    await send(second, payer!, payee!, 20);
    expect((await stream.next()).data).toEqual({ creditsChanged: { balance: 20 } });
    stream.close();
  });

  it("ends a subscription on one instance when an admin suspends its viewer through the other", async () => {
    const [admin, member] = await usersWithTokens(first, 2);
    await first.app.database.prisma.user.update({ where: { id: rowId(admin!.id) }, data: { role: "ADMIN" } });
    const stream = await subscribe(first, `subscription { creditsChanged { balance } }`, { token: member!.token });
    await stream.next();
    await second.graphql(`mutation Suspend($ids: [ID!]!) { suspendUsers(ids: $ids) { affectedCount } }`, { token: admin!.token, variables: { ids: [member!.id] } });
    expect((await stream.next()).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
