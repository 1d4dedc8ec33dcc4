import { describe, expect, it } from "vitest";
import { DatabaseFaultError } from "../../src/errors.js";
import { figureKey, SITE_FIGURES, SiteFigures } from "../../src/schema/stats/service.js";

/** A computation the test finishes when it likes, counting how many run at once. */
function computations() {
  let running = 0;
  let mostAtOnce = 0;
  const finishers: Array<() => void> = [];
  return {
    get mostAtOnce() {
      return mostAtOnce;
    },
    started: () => finishers.length,
    compute<T>(value: T) {
      return () =>
        new Promise<T>((resolve) => {
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          finishers.push(() => {
            running -= 1;
            resolve(value);
          });
        });
    },
    finishAll: async () => {
      while (finishers.length) {
        finishers.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}

const period = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-01-01T00:00:00Z") };

/**
 * The stats figures aggregate every row of their period, so the process
 * computes each once per period (in flight and for a minute after), and
 * only a few at a time (src/schema/stats/service.ts).
 */
describe("site figures", () => {
  it("computes a figure once while it is in flight and while it is fresh, and again after", async () => {
    const figures = new SiteFigures({ ...SITE_FIGURES, ttlMs: 200 });
    let computed = 0;
    const compute = async () => ++computed;
    const key = figureKey("postsPerMonth", period);
    const [first, second] = await Promise.all([figures.get(key, compute), figures.get(key, compute)]);
    expect([first, second, await figures.get(key, compute)]).toEqual([1, 1, 1]);
    // Another limit or period is another figure.
    expect(await figures.get(figureKey("topTags", period, 5), compute)).toBe(2);
    expect(figureKey("topTags", period, 5)).not.toBe(figureKey("topTags", period, 6));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await figures.get(key, compute)).toBe(3);
  });

  it("keeps no failed computation", async () => {
    const figures = new SiteFigures();
    const key = figureKey("topTags", period, 10);
    await expect(figures.get(key, () => Promise.reject(new Error("connection lost")))).rejects.toThrow("connection lost");
    expect(await figures.get(key, async () => "computed again")).toBe("computed again");
  });

  it("computes at most `concurrency` figures at once, lets `maxWaiting` wait, and answers the rest DATABASE_BUSY at once", async () => {
    const figures = new SiteFigures({ ...SITE_FIGURES, concurrency: 2, maxWaiting: 3 });
    const work = computations();
    const asked = Array.from({ length: 5 }, (_, day) =>
      figures.get(figureKey("postsPerMonth", { ...period, to: new Date(Date.UTC(2026, 1, day + 1)) }), work.compute(day)),
    );
    let refused: unknown;
    try {
      void figures.get(figureKey("postsPerMonth", { ...period, to: new Date(Date.UTC(2026, 2, 1)) }), work.compute(99));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DatabaseFaultError);
    expect((refused as DatabaseFaultError).extensions).toMatchObject({ code: "DATABASE_BUSY", http: { status: 503, headers: { "Retry-After": "1" } } });
    // A figure already asked for is still answered: it waits for the computation in flight.
    const again = figures.get(figureKey("postsPerMonth", { ...period, to: new Date(Date.UTC(2026, 1, 1)) }), work.compute(-1));

    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(work.started()).toBe(2);
    await work.finishAll();
    expect(await Promise.all(asked)).toEqual([0, 1, 2, 3, 4]);
    expect(await again).toBe(0);
    expect(work.mostAtOnce).toBe(2);
  });
});
