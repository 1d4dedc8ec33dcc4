import { hkdfSync, randomUUID } from "node:crypto";
import { inMemory, type DatabaseConfig } from "../config.js";

/**
 * The deployment a signed token or cursor belongs to: one PostgreSQL
 * database and schema, or one embedded database directory. Every instance
 * of a deployment names the same one; two tenants (two DATABASE_SCHEMAs,
 * or two databases) never do, so a token signed for one is refused by the
 * other even when they share AUTH_SECRET. An in-memory embedded database
 * dies with its process: it gets a name of its own.
 */
export function deploymentOf(database: DatabaseConfig): string {
  if (database.kind === "postgres") {
    const name = decodeURIComponent(new URL(database.url).pathname.slice(1)) || "postgres";
    return `postgres:${name}/${database.schema}`;
  }
  return inMemory(database.dir) ? `pglite:memory/${randomUUID()}` : `pglite:${database.dir}`;
}

/**
 * A key of its own for each use (`purpose`) in each deployment, derived
 * from AUTH_SECRET (HKDF-SHA256): a token's signature is no cursor's MAC,
 * and neither is valid in another deployment. A token's audience is one
 * too, so a token, which its holder can read, does not carry the
 * database's name or the server's directories.
 */
export function derivedKey(secret: string, deployment: string, purpose: "token signing" | "token audience" | "cursor signing"): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "inkwell", `${purpose} key\n${deployment}`, 32));
}
