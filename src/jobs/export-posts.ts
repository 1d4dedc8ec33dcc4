import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Prisma } from "../db/generated/prisma/client.js";
import type { SqlRunner } from "../db/sql-runner.js";
import { readChunk, type ChunkSource } from "../read/chunks.js";
import { compileSelection } from "../read/compile.js";
import { streamInChunks } from "../streaming/chunks.js";
import { createProgress, type Progress } from "./progress.js";

/**
 * `npm run export -- posts`: the whole posts table, oldest first, as NDJSON
 * (one JSON object per line) or CSV (RFC 4180, a header line first). Rows
 * are read in keyset chunks, one statement each, by the read library's
 * chunk reader and through the same generator as `exportPosts`
 * (src/read/chunks.ts, src/streaming/chunks.ts), and written
 * through a stream with backpressure: the next chunk is read only when the
 * output has taken the last, so memory stays flat whatever the table's size
 * and however slow the output. Values are written as stored: a spreadsheet
 * opening the CSV should be told to read every column as text.
 */
export type ExportFormat = "ndjson" | "csv";

export const POST_EXPORT_COLUMNS = ["id", "author", "title", "slug", "status", "publishedAt", "createdAt", "updatedAt", "commentCount", "tags", "body"] as const;

interface ExportedPost {
  id: number;
  author: string;
  title: string;
  slug: string;
  status: string;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  commentCount: number;
  tags: string[];
  body: string;
}

export interface ExportReport {
  rows: number;
  interrupted: boolean;
  /** stdout was closed by its reader before the end. */
  outputClosed?: boolean;
}

/**
 * What an exported post reads, compiled by the read library like a list's
 * planned selection: the post's columns, its author's handle and its tags'
 * names, in one statement per chunk.
 */
const EXPORTED = compileSelection(
  "Post",
  {
    select: {
      id: true, title: true, slug: true, status: true, publishedAt: true, createdAt: true, updatedAt: true, commentCount: true, body: true,
      author: { select: { handle: true } },
      tagLinks: { select: { tag: { select: { name: true } } } },
    },
  },
  "t",
);

const ALL_POSTS: ChunkSource = { from: Prisma.sql`"posts" AS "x"`, where: [] };

interface ExportedRow {
  id: number;
  title: string;
  slug: string;
  status: string;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  commentCount: number;
  body: string;
  author: { handle: string };
  tagLinks: { tag: { name: string } }[];
}

function exported(row: ExportedRow): ExportedPost {
  return {
    id: row.id,
    author: row.author.handle,
    title: row.title,
    slug: row.slug,
    status: row.status,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    commentCount: row.commentCount,
    tags: row.tagLinks.map((link) => link.tag.name).sort(),
    body: row.body,
  };
}

export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : Array.isArray(value) ? value.join(";") : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function* lines(
  sql: SqlRunner,
  { format, chunkSize, signal, progress }: { format: ExportFormat; chunkSize: number; signal?: AbortSignal; progress: Progress },
  counted: { rows: number },
): AsyncGenerator<string> {
  if (format === "csv") yield `${POST_EXPORT_COLUMNS.join(",")}\r\n`;
  const rows = streamInChunks({
    ready: async () => !signal?.aborted,
    readChunk: async (afterId) => {
      const chunk = await readChunk(sql, ALL_POSTS, EXPORTED, afterId, chunkSize);
      progress.advance(chunk.length);
      return { rows: chunk.map((row) => exported(row as unknown as ExportedRow)), full: chunk.length === chunkSize };
    },
  });
  for await (const row of rows) {
    counted.rows += 1;
    yield format === "ndjson" ? `${JSON.stringify(row)}\n` : `${POST_EXPORT_COLUMNS.map((column) => csvField(row[column])).join(",")}\r\n`;
  }
}

/**
 * Writes every post to `out` (a file, written as `<out>.partial` and renamed
 * when complete, so an interrupted export never looks finished) or to
 * `stdout`.
 */
export async function exportPosts(
  sql: SqlRunner,
  options: { format: ExportFormat; out?: string; stdout?: Writable; chunkSize?: number; signal?: AbortSignal; progress?: (label: string, total: number) => Progress },
): Promise<ExportReport> {
  const { format, out, chunkSize = 1_000, signal } = options;
  const [{ total } = { total: 0 }] = await sql.query<{ total: number }>(Prisma.sql`SELECT count(*)::int AS "total" FROM "posts"`);
  const progress = (options.progress ?? createProgress)("export posts", total);
  const counted = { rows: 0 };
  const source = Readable.from(lines(sql, { format, chunkSize, signal, progress }, counted));
  const partial = out ? `${out}.partial` : undefined;
  try {
    await pipeline(source, partial ? createWriteStream(partial) : (options.stdout ?? process.stdout));
  } catch (error) {
    if (partial) await rm(partial, { force: true });
    // The reader of stdout went away (`| head`): stop, as Unix tools do, without an error.
    if (!partial && (error as NodeJS.ErrnoException).code === "EPIPE") return { rows: counted.rows, interrupted: false, outputClosed: true };
    throw error;
  } finally {
    progress.done();
  }
  const interrupted = Boolean(signal?.aborted);
  if (partial) {
    if (interrupted) await rm(partial, { force: true });
    else await rename(partial, out!);
  }
  return { rows: counted.rows, interrupted };
}
