/*
 * npm run job -- <name> [--chunk-size N] [options]
 *
 * Runs a batch job through the same lifecycle as every script
 * (src/db/lifecycle.ts): Ctrl-C stops it after the chunk in hand, with its
 * checkpoint saved; run it again to continue. Jobs:
 *   recount                          recompute every denormalised figure and report the drift fixed
 *   purge-drafts --older-than 90d    delete drafts untouched for that long (d, h, m or s)
 *   reindex-search                   not needed: PostgreSQL generates the search data (says why)
 */
import { parseArgs } from "node:util";
import { withDatabase } from "../db/lifecycle.js";
import type { JobReport } from "../jobs/chunked-job.js";
import { parseAge, purgeDrafts } from "../jobs/purge-drafts.js";
import { recount } from "../jobs/recount.js";
import { runScript } from "./run-script.js";

const JOBS = ["recount", "purge-drafts", "reindex-search"];

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { "chunk-size": { type: "string" }, "older-than": { type: "string" } },
  });
  const [name] = positionals;
  const chunkSize = values["chunk-size"] === undefined ? 1_000 : Number(values["chunk-size"]);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 100_000) throw new Error("--chunk-size must be a whole number from 1 to 100000");
  if (!name || !JOBS.includes(name)) throw new Error(`unknown job "${name ?? ""}"; jobs: ${JOBS.join(", ")}`);
  if (name === "reindex-search") {
    // Kept as a name so that scripts written for other setups get an answer, not "unknown job".
    console.log("reindex-search: nothing to do. posts.search_vector is GENERATED ALWAYS … STORED, so PostgreSQL rewrites it with every insert and update of a title or body, and the GIN index with it.");
    return 0;
  }
  let olderThanMs = 0;
  if (name === "purge-drafts") {
    const age = values["older-than"] === undefined ? null : parseAge(values["older-than"]);
    if (age === null) throw new Error("purge-drafts needs --older-than <age>, like 90d, 12h, 30m or 45s");
    olderThanMs = age;
  }
  return withDatabase(async ({ database, signal }) => {
    const startedAt = performance.now();
    const options = { chunkSize, signal };
    const report: JobReport =
      name === "recount"
        ? await recount(database.prisma, options).then((r) => ({ ...r, params: {}, changed: r.fixed }))
        : await purgeDrafts(database.prisma, { ...options, olderThanMs });
    const seconds = (performance.now() - startedAt) / 1000;
    const changed = Object.entries(report.changed).map(([what, n]) => `${what} ${n}`).join(", ");
    const verb = name === "recount" ? "Fixed" : "Deleted";
    const params = Object.entries(report.params).map(([key, value]) => `${key} ${value}`).join(", ");
    if (report.interrupted) {
      console.log(`${name}: interrupted after ${report.rows} rows; run it again to continue. ${verb} so far: ${changed}.`);
      return 130;
    }
    console.log(
      `${name}: ${report.rows} rows in ${report.chunks} chunks, ${seconds.toFixed(1)} s (${Math.round(report.rows / Math.max(seconds, 0.001))} rows/s)` +
        `${report.resumed ? ", resumed" : ""}${params ? ` (${params})` : ""}. ${verb}: ${changed}.` +
        (report.analyzed.length ? ` Statistics refreshed: ${report.analyzed.join(", ")}.` : ""),
    );
    return 0;
  });
}

runScript(main);
