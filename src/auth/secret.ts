import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { inMemory } from "../config.js";

/**
 * Outside production a missing AUTH_SECRET is generated once and kept under
 * the data directory, so tokens survive restarts of a development server.
 * (In production loadConfig already refused to start without one.) Each
 * DATABASE_SCHEMA other than public gets a file of its own
 * (`auth-secret-<schema>`), so two tenants started from one folder never
 * share one; their keys differ anyway (src/auth/deployment.ts). With
 * `DATA_DIR=memory://` nothing is kept: the secret lives as long as the
 * process, like the embedded database beside it.
 */
export async function resolveAuthSecret(configured: string | null, dataDir: string, schema = "public"): Promise<string> {
  if (configured) return configured;
  if (inMemory(dataDir)) return randomBytes(48).toString("base64url");
  const file = path.join(dataDir, schema === "public" ? "auth-secret" : `auth-secret-${schema}`);
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing?.trim()) return existing.trim();
  const secret = randomBytes(48).toString("base64url");
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" }).catch(async (error: NodeJS.ErrnoException) => {
    // Another process won the race; use its secret.
    if (error.code !== "EEXIST") throw error;
  });
  return (await readFile(file, "utf8")).trim();
}
