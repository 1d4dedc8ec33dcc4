import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentOf } from "../../src/auth/deployment.js";
import { resolveAuthSecret } from "../../src/auth/secret.js";
import { loadConfig } from "../../src/config.js";

describe("the development auth secret and the deployment it signs for", () => {
  it("is generated once per schema, so two tenants started from one folder share no secret", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "inkwell-secret-"));
    try {
      const publicSecret = await resolveAuthSecret(null, dir);
      const a = await resolveAuthSecret(null, dir, "tenant_a");
      const b = await resolveAuthSecret(null, dir, "tenant_b");
      expect(new Set([publicSecret, a, b]).size).toBe(3);
      expect(await resolveAuthSecret(null, dir, "tenant_a")).toBe(a);
      expect((await readdir(dir)).sort()).toEqual(["auth-secret", "auth-secret-tenant_a", "auth-secret-tenant_b"]);
      expect(await resolveAuthSecret("configured-secret-of-32-characters!", dir, "tenant_a")).toBe("configured-secret-of-32-characters!");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps nothing on disk for DATA_DIR=memory://: a secret per process, like its database", async () => {
    const before = await readdir(process.cwd());
    const [first, second] = [await resolveAuthSecret(null, "memory://"), await resolveAuthSecret(null, "memory://")];
    expect(first).toMatch(/^[\w-]{64}$/);
    expect(second).not.toBe(first);
    expect(await readdir(process.cwd())).toEqual(before);
  });

  it("names the database and schema, the same for every instance of one deployment whatever host it connects through", () => {
    const of = (env: Record<string, string>) => deploymentOf(loadConfig(env).database);
    expect(of({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/inkwell", DATABASE_SCHEMA: "tenant_a" })).toBe("postgres:inkwell/tenant_a");
    expect(of({ DATABASE_URL: "postgresql://app@db.internal/inkwell?sslmode=require", DATABASE_SCHEMA: "tenant_a" })).toBe("postgres:inkwell/tenant_a");
    expect(of({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/inkwell" })).not.toBe(of({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/other" }));
    expect(of({ PGLITE_DIR: "memory://" })).not.toBe(of({ PGLITE_DIR: "memory://" }));
  });
});
