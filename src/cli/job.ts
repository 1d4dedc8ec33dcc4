/**
 * npm run job -- <name> [--chunk-size N]
 *
 * Runs a batch job through the same lifecycle as every script
 * (src/db/lifecycle.ts): Ctrl-C stops it after the chunk in hand, with its
 * checkpoint saved; run it again to continue. Jobs:
 *   recount   recompute every denormalised figure and report the drift fixed
 */
import { parseArgs } from "node:util";
import { withDatabase } from "../db/lifecycle.js";
import { recount } from "../jobs/recount.js";

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { "chunk-size": { type: "string" } } });
  const [name] = positionals;
  const chunkSize = values["chunk-size"] === undefined ? 1_000 : Number(values["chunk-size"]);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 100_000) throw new Error("--chunk-size must be a whole number from 1 to 100000");
  if (name !== "recount") throw new Error(`unknown job "${name ?? ""}"; jobs: recount`);
  return withDatabase(async ({ database, signal }) => {
    const startedAt = performance.now();
    const report = await recount(database.prisma, { chunkSize, signal });
    const seconds = (performance.now() - startedAt) / 1000;
    const fixed = Object.entries(report.fixed).map(([what, n]) => `${what} ${n}`).join(", ");
    if (report.interrupted) {
      console.log(`recount: interrupted after ${report.rows} rows; run it again to continue. Fixed so far: ${fixed}.`);
      return 130;
    }
    console.log(`recount: ${report.rows} rows in ${report.chunks} chunks, ${seconds.toFixed(1)} s (${Math.round(report.rows / Math.max(seconds, 0.001))} rows/s)${report.resumed ? ", resumed" : ""}. Fixed: ${fixed}.`);
    return 0;
  });
}

// Exit when done: the WASM schema engine (PGlite's migrations) leaves a timer behind.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
