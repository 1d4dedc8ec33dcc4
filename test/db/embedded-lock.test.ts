import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { serverArgs } from "../support/server-process.js";

/**
 * PGlite is PostgreSQL inside one process: a second process on the same
 * files corrupts them. Whoever opens the directory first has it; every
 * other opener, a script or a second server, is refused in one sentence
 * and touches nothing.
 */
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), "inkwell-lock-")), "pglite");
  env = { ...process.env, NODE_ENV: "development", DATABASE_URL: "", PGLITE_DIR: dir, LOG_LEVEL: "info" };
});

afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

function inUse(dir: string): string {
  return `The embedded database in ${dir} is open in another process (a running Inkwell server?); stop that process first, or run both on PostgreSQL with DATABASE_URL.\n`;
}

/**
 * Runs a script to its end; one that is let in and keeps serving is killed
 * after 30 s, and fails. Asynchronously: a holder in this process refreshes
 * its lock on this thread's timers, as a server does, and a synchronous
 * spawn would stop them for as long as the scripts run.
 */
function node(...args: string[]): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr, stdout }));
  });
}

describe("the embedded database's lock", () => {
  it("refuses jobs, exports, seeds and migrations while another process has the database open, and lets them run after", async () => {
    const database = await openDatabase(loadConfig(env).database, createLogger("silent"));
    try {
      await database.migrate();
      for (const args of [["src/cli/job.ts", "recount"], ["src/cli/export.ts", "posts"], ["src/cli/seed.ts"], ["src/cli/migrate.ts", "deploy"]]) {
        const run = await node("--import", "tsx", ...args);
        expect({ args, status: run.status, stderr: run.stderr, stdout: run.stdout }).toEqual({ args, status: 1, stderr: inUse(dir), stdout: "" });
      }
      // The holder is untouched and still writes.
      await database.prisma.user.create({ data: { email: "holder@example.com", handle: "holder", name: "Holder", passwordHash: "x" } });
      expect(await database.prisma.user.count()).toBe(1);
    } finally {
      await database.close();
    }
    const run = await node("--import", "tsx", "src/cli/job.ts", "recount");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^recount: \d+ rows/);
  }, 120_000);

  it("refuses a second server on the same directory in one line, and the first keeps serving", async () => {
    const first = spawn(process.execPath, serverArgs(), { env: { ...env, PORT: "0", HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      let output = "";
      first.stdout.on("data", (chunk) => (output += chunk));
      const url = await new Promise<string>((resolve, reject) => {
        first.stdout.on("data", () => {
          const match = output.match(/"message":"listening","url":"(http:[^"]+)"/);
          if (match) resolve(match[1]!);
        });
        first.on("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
      });
      const second = await node(...serverArgs());
      expect(second.status).toBe(1);
      expect(second.stderr).toBe(inUse(dir));
      const job = await node("--import", "tsx", "src/cli/job.ts", "recount");
      expect(job.stderr).toBe(inUse(dir));

      const answer = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ posts(first: 1) { edges { node { title } } } }" }) });
      expect(((await answer.json()) as { data: { posts: { edges: unknown[] } } }).data.posts.edges).toHaveLength(1);
    } finally {
      first.kill("SIGTERM");
      await new Promise((resolve) => first.on("exit", resolve));
    }
  }, 120_000);
});
