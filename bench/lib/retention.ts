import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = (options: { type: "minor" | "major"; execution: "sync" }) => void;

/**
 * V8's collector, without starting Node with --expose-gc: the flag set at
 * run time, then the function read from a fresh context, which sees it.
 */
function collector(): Collect {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as Collect;
}

/**
 * What `run` leaves for the old generation: after `warmUp` runs and a full
 * collection, `measured` runs each followed by a young-generation
 * collection; the median growth of the heap across one, in KiB. A run's
 * garbage should all be young and die there; what survives is copied, then
 * promoted, and is what makes a scavenge under load slow. Counts bytes, not
 * time, so a noisy machine barely moves it (bench/retention.ts,
 * test/db/read-timeout.test.ts).
 */
export async function keptPerRun(run: () => Promise<void>, { warmUp = 200, measured = 60 } = {}): Promise<number> {
  const collect = collector();
  for (let i = 0; i < warmUp; i += 1) await run();
  collect({ type: "major", execution: "sync" });
  let before = process.memoryUsage().heapUsed;
  const growth: number[] = [];
  for (let i = 0; i < measured; i += 1) {
    await run();
    collect({ type: "minor", execution: "sync" });
    const after = process.memoryUsage().heapUsed;
    growth.push(after - before);
    before = after;
  }
  growth.sort((a, b) => a - b);
  return growth[Math.floor(growth.length / 2)]! / 1024;
}
