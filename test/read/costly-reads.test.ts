import { describe, expect, it } from "vitest";
import { DatabaseFaultError } from "../../src/errors.js";
import { CostlyReads } from "../../src/read/costly-reads.js";
import { nestedListField } from "../../src/read/lists.js";
import { postSearch } from "../../src/schema/post/lists.js";
import { figureKey, SITE_FIGURES, SiteFigures } from "../../src/schema/stats/service.js";

/** Reads the test finishes when it likes, counting how many run at once. */
function heldReads() {
  let running = 0;
  let mostAtOnce = 0;
  const finishers: Array<() => void> = [];
  return {
    get mostAtOnce() {
      return mostAtOnce;
    },
    started: () => finishers.length,
    read<T>(value: T) {
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
const roomy = () => new CostlyReads({ atOnce: 2, waiting: 20 });

/**
 * Reads whose cost follows the data (ranked search, stats figures) take
 * turns: a few at once per instance, a few more waiting, the rest refused
 * at once (src/read/costly-reads.ts).
 */
describe("costly reads", () => {
  it("runs at most `atOnce` at a time, lets `waiting` wait, and answers the rest DATABASE_BUSY at once", async () => {
    const reads = new CostlyReads({ atOnce: 2, waiting: 3 });
    const held = heldReads();
    const asked = [0, 1, 2, 3, 4].map((n) => reads.run(held.read(n)));
    let refused: unknown;
    try {
      void reads.run(held.read(99));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DatabaseFaultError);
    expect((refused as DatabaseFaultError).extensions).toMatchObject({ code: "DATABASE_BUSY", http: { status: 503, headers: { "Retry-After": "1" } } });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(held.started()).toBe(2);
    await held.finishAll();
    expect(await Promise.all(asked)).toEqual([0, 1, 2, 3, 4]);
    expect(held.mostAtOnce).toBe(2);
  });

  it("is refused for a nested list when the schema is built, since nested pages are read in batches without a turn", () => {
    expect(() => nestedListField(postSearch, { name: "Post", $inferType: {} })).toThrow("A list whose cost follows its matches is a root list only; Post is nested");
  });
});

/**
 * The stats figures aggregate every row of their period, so the process
 * computes each once per period, in flight and for a minute after
 * (src/schema/stats/service.ts).
 */
describe("site figures", () => {
  it("computes a figure once while it is in flight and while it is fresh, and again after", async () => {
    const figures = new SiteFigures(roomy(), { ...SITE_FIGURES, ttlMs: 200 });
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
    const figures = new SiteFigures(roomy());
    const key = figureKey("topTags", period, 10);
    await expect(figures.get(key, () => Promise.reject(new Error("connection lost")))).rejects.toThrow("connection lost");
    expect(await figures.get(key, async () => "computed again")).toBe("computed again");
  });

  it("computes under the costly reads' turns, and still answers a figure in flight when no turn is left", async () => {
    const figures = new SiteFigures(new CostlyReads({ atOnce: 1, waiting: 0 }));
    const held = heldReads();
    const january = figureKey("postsPerMonth", { ...period, to: new Date("2026-02-01T00:00:00Z") });
    const first = figures.get(january, held.read("january"));
    expect(() => figures.get(figureKey("postsPerMonth", period), held.read("year"))).toThrow(DatabaseFaultError);
    const again = figures.get(january, held.read("never computed"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(held.started()).toBe(1);
    await held.finishAll();
    expect([await first, await again]).toEqual(["january", "january"]);
  });
});
