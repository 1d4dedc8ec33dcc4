import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportPosts, POST_EXPORT_COLUMNS } from "../../src/jobs/export-posts.js";
import type { Progress } from "../../src/jobs/progress.js";
import { rowId, usersWithTokens } from "../credits/support.js";
import { testDatabaseKinds } from "../support/databases.js";
import { useTestApp } from "../support/test-app.js";

const quiet = (): Progress => ({ advance: () => undefined, done: () => undefined });

/** RFC 4180, the reader's side: quoted fields with doubled quotes and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 1;
    } else field += char;
  }
  return rows;
}

const dir = await mkdtemp(path.join(tmpdir(), "inkwell-export-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.each(testDatabaseKinds)("the posts exporter on %s", (kind) => {
  const app = useTestApp(kind);

  it("writes every post exactly, as NDJSON and as CSV, whatever its text holds", async () => {
    const t = app.current;
    const [writer] = await usersWithTokens(t, 1);
    const prisma = t.app.database.prisma;
    const hostile = ['Commas, "quotes"', "Line\nbreaks\r\nand CRLF", "=HYPERLINK(\"x\")", "Ünïcødé ✍️", "plain"];
    for (const [i, title] of hostile.entries()) {
      await prisma.post.create({
        data: {
          authorId: rowId(writer!.id), title, slug: `export-${kind}-${i}`, body: `${title}\n\nbody ${i}`,
          status: i % 2 ? "DRAFT" : "PUBLISHED", publishedAt: i % 2 ? null : new Date(Date.UTC(2026, 0, i + 1)),
          tagLinks: { create: i === 0 ? [{ tag: { create: { name: `zeta-${kind}` } } }, { tag: { create: { name: `alpha-${kind}` } } }] : [] },
        },
      });
    }
    const expected = await prisma.post.findMany({ orderBy: { id: "asc" }, include: { author: true, tagLinks: { include: { tag: true } } } });
    const asExported = expected.map((post) => ({
      id: post.id, author: post.author.handle, title: post.title, slug: post.slug, status: post.status,
      publishedAt: post.publishedAt?.toISOString() ?? null, createdAt: post.createdAt.toISOString(), updatedAt: post.updatedAt.toISOString(),
      commentCount: post.commentCount, tags: post.tagLinks.map((link) => link.tag.name).sort(), body: post.body,
    }));

    const ndjson = path.join(dir, `${kind}.ndjson`);
    // Chunks of 2: the keyset walk crosses several chunk boundaries.
    expect(await exportPosts(t.app.database.sql, { format: "ndjson", out: ndjson, chunkSize: 2, progress: quiet })).toEqual({ rows: expected.length, interrupted: false });
    const lines = (await readFile(ndjson, "utf8")).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((line) => JSON.parse(line))).toEqual(asExported);

    const csv = path.join(dir, `${kind}.csv`);
    await exportPosts(t.app.database.sql, { format: "csv", out: csv, chunkSize: 2, progress: quiet });
    const [header, ...rows] = parseCsv(await readFile(csv, "utf8"));
    expect(header).toEqual([...POST_EXPORT_COLUMNS]);
    expect(rows).toEqual(asExported.map((post) => POST_EXPORT_COLUMNS.map((column) => {
      const value = post[column];
      return value === null ? "" : Array.isArray(value) ? value.join(";") : String(value);
    })));
  });

  it("leaves no file behind when interrupted", async () => {
    const t = app.current;
    const controller = new AbortController();
    const out = path.join(dir, `${kind}-interrupted.ndjson`);
    const stopping = (): Progress => ({ advance: () => controller.abort(), done: () => undefined });
    const report = await exportPosts(t.app.database.sql, { format: "ndjson", out, chunkSize: 1, signal: controller.signal, progress: stopping });
    expect(report).toMatchObject({ interrupted: true, rows: 1 });
    expect((await readdir(dir)).filter((name) => name.startsWith(`${kind}-interrupted`))).toEqual([]);
  });
});

describe("npm run export", () => {
  it("exports to a file with a summary on stderr, and refuses unknown tables and formats", async () => {
    const data = await mkdtemp(path.join(tmpdir(), "inkwell-export-cli-"));
    try {
      const env = { ...process.env, NODE_ENV: "development", PGLITE_DIR: data };
      const out = path.join(data, "posts.csv");
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/export.ts", "posts", "--format", "csv", "--out", out], { env, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toMatch(new RegExp(`^export posts: 0 rows to ${out} as csv in .* peak RSS \\d+ MB\\.$`, "m"));
      expect(await readFile(out, "utf8")).toBe(`${POST_EXPORT_COLUMNS.join(",")}\r\n`);
      const table = spawnSync(process.execPath, ["--import", "tsx", "src/cli/export.ts", "users"], { env, encoding: "utf8" });
      expect([table.status, table.stderr.trim()]).toEqual([1, 'unknown table "users"; tables: posts']);
      const format = spawnSync(process.execPath, ["--import", "tsx", "src/cli/export.ts", "posts", "--format", "xml"], { env, encoding: "utf8" });
      expect([format.status, format.stderr.trim()]).toEqual([1, "--format must be ndjson or csv"]);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  }, 120_000);
});
