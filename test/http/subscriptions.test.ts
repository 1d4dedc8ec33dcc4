import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPost, signUp } from "../support/fixtures.js";
import { subscribe } from "../support/subscriptions.js";
import { startTestApp, useTestApp, type TestApp } from "../support/test-app.js";

const POST_PUBLISHED = `subscription { postPublished { node { id } } }`;
const CREDITS = `subscription { creditsChanged { balance } }`;

async function scrape(t: TestApp): Promise<string> {
  return (await t.fetch("/metrics")).text();
}

describe("subscription limits", () => {
  const app = useTestApp("pglite", { env: { SUBSCRIPTIONS_PER_VIEWER: "2", SUBSCRIPTIONS_PER_PROCESS: "3" } });

  it("refuses a viewer's subscription over SUBSCRIPTIONS_PER_VIEWER with 429 TOO_MANY_SUBSCRIPTIONS, and frees the place when one closes", async () => {
    const t = app.current;
    const member = await signUp(t);
    const open = [await subscribe(t, CREDITS, { token: member.token }), await subscribe(t, CREDITS, { token: member.token })];
    await Promise.all(open.map((stream) => stream.next()));
    const refused = await subscribe(t, CREDITS, { token: member.token });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    const answer = await refused.next();
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(["TOO_MANY_SUBSCRIPTIONS"]);
    // Another viewer is not held to this one's count.
    const other = await signUp(t);
    const theirs = await subscribe(t, CREDITS, { token: other.token });
    expect((await theirs.next()).data).toEqual({ creditsChanged: { balance: 0 } });
    // The process holds 3 now: its limit.
    const full = await subscribe(t, POST_PUBLISHED);
    expect((await full.next()).errors?.[0]?.extensions?.code).toBe("TOO_MANY_SUBSCRIPTIONS");
    open[0]!.close();
    theirs.close();
    let again = await subscribe(t, CREDITS, { token: member.token });
    for (let tries = 0; again.status === 429 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await subscribe(t, CREDITS, { token: member.token });
    }
    expect(again.status).toBe(200);
    expect((await again.next()).data).toEqual({ creditsChanged: { balance: 0 } });
    again.close();
    open[1]!.close();
  });

  it("counts signed-out subscribers by address", async () => {
    const t = app.current;
    const streams = [await subscribe(t, POST_PUBLISHED), await subscribe(t, POST_PUBLISHED)];
    const third = await subscribe(t, POST_PUBLISHED);
    expect(third.status).toBe(429);
    for (const stream of streams) stream.close();
  });
});

describe("a subscription's life", () => {
  const app = useTestApp("pglite");

  it("is counted in the metrics while open, with the events it was sent, and logged once when it ends", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const stream = await subscribe(t, POST_PUBLISHED);
    expect(await scrape(t)).toMatch(/inkwell_subscriptions_open\{field="postPublished"\} 1/);
    await createPost(t, writer);
    await stream.next();
    expect(await scrape(t)).toMatch(/inkwell_subscription_events_total\{field="postPublished"\} 1/);
    stream.close();
    await stream.completed;
    let metrics = await scrape(t);
    for (let tries = 0; /open\{field="postPublished"\} 1/.test(metrics) && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      metrics = await scrape(t);
    }
    expect(metrics).toMatch(/inkwell_subscriptions_open\{field="postPublished"\} 0/);
    const line = t.logs.find((entry) => entry.message === "subscription");
    expect(line).toMatchObject({ level: "info", field: "postPublished", events: 1, endedBy: "client or stream" });
    expect(line?.requestId).toEqual(expect.any(String));
  });

  it("ends every open subscription with SHUTTING_DOWN as its last event when the server stops", async () => {
    const t = app.current;
    const writer = await signUp(t);
    const streams = [await subscribe(t, POST_PUBLISHED), await subscribe(t, CREDITS, { token: writer.token })];
    await streams[1]!.next();
    t.app.endSubscriptions();
    for (const stream of streams) {
      const last = await stream.next();
      expect(last.errors?.map((error) => error.extensions?.code)).toEqual(["SHUTTING_DOWN"]);
      await stream.completed;
    }
  });
});

describe("keep-alive", () => {
  let t: TestApp;
  const nodeEnv = process.env.NODE_ENV;
  beforeAll(async () => {
    // Yoga pings every 300 ms under NODE_ENV=test; measured here as in production, where it pings every 12 s.
    process.env.NODE_ENV = "production-like";
    t = await startTestApp("pglite", { env: { SUBSCRIPTION_KEEPALIVE_S: "1" } });
  });
  afterAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    await t?.close();
  });

  it("sends a comment line on a quiet stream every SUBSCRIPTION_KEEPALIVE_S", async () => {
    const stream = await subscribe(t, POST_PUBLISHED);
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    // Yoga's own first ping, then ours at about 1 s and 2 s.
    expect(stream.pings).toBeGreaterThanOrEqual(3);
    expect(stream.pings).toBeLessThanOrEqual(4);
    stream.close();
  });
});
