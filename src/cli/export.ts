/*
 * npm run export -- posts --format ndjson|csv [--out FILE] [--chunk-size N]
 *
 * Streams a whole table to a file (or stdout) with flat memory, through the
 * same lifecycle as every script (src/db/lifecycle.ts). Progress and the
 * summary go to stderr, so stdout carries only the data.
 */
import { parseArgs } from "node:util";
import { withDatabase } from "../db/lifecycle.js";
import { exportPosts, type ExportFormat } from "../jobs/export-posts.js";
import { runScript } from "./run-script.js";

const TABLES = ["posts"];
const FORMATS: ExportFormat[] = ["ndjson", "csv"];

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { format: { type: "string", default: "ndjson" }, out: { type: "string" }, "chunk-size": { type: "string" } },
  });
  const [table] = positionals;
  if (!table || !TABLES.includes(table)) throw new Error(`unknown table "${table ?? ""}"; tables: ${TABLES.join(", ")}`);
  const format = values.format as ExportFormat;
  if (!FORMATS.includes(format)) throw new Error(`--format must be ${FORMATS.join(" or ")}`);
  const chunkSize = values["chunk-size"] === undefined ? 1_000 : Number(values["chunk-size"]);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 10_000) throw new Error("--chunk-size must be a whole number from 1 to 10000");
  return withDatabase(async ({ database, signal }) => {
    const startedAt = performance.now();
    const report = await exportPosts(database.sql, { format, out: values.out, chunkSize, signal });
    const seconds = (performance.now() - startedAt) / 1000;
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    if (report.outputClosed) return 0;
    const where = values.out ?? "stdout";
    if (report.interrupted) {
      console.error(`export posts: interrupted after ${report.rows} rows; ${values.out ? `${values.out} was not written` : "the output is incomplete"}.`);
      return 130;
    }
    console.error(`export posts: ${report.rows} rows to ${where} as ${format} in ${seconds.toFixed(1)} s (${Math.round(report.rows / Math.max(seconds, 0.001))} rows/s), peak RSS ${peakRssMb} MB.`);
    return 0;
  });
}

runScript(main);
