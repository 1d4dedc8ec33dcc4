import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/auth/passwords.js";
import { startTestApp } from "../support/test-app.js";

/** `npm run db:seed` as a newcomer runs it, on an embedded database in a folder of its own. */
function seed(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "src/cli/seed.ts", "--users", "2", "--posts-per-user", "1", "--comments-per-post", "0"], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    encoding: "utf8",
  });
}

describe("npm run db:seed in production", () => {
  it("refuses to seed without DEMO_PASSWORD, and seeds with DEMO_PASSWORD, never with the published password", async () => {
    const data = await mkdtemp(path.join(tmpdir(), "inkwell-seed-"));
    try {
      const production = { NODE_ENV: "production", AUTH_SECRET: "s".repeat(40), DATA_DIR: data };
      const refused = seed(production);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/DEMO_PASSWORD: is required to seed accounts when NODE_ENV=production/);

      const seeded = seed({ ...production, DEMO_PASSWORD: "a production demo password" });
      expect(seeded.status, seeded.stderr).toBe(0);
      expect(seeded.stdout).toMatch(/Every user's password is DEMO_PASSWORD\./);
      expect(seeded.stdout).not.toMatch(/inkwell-password/);
      const t = await startTestApp("pglite", { env: { PGLITE_DIR: path.join(data, "pglite") } });
      try {
        const users = await t.app.database.prisma.user.findMany({ select: { passwordHash: true } });
        expect(users).toHaveLength(2);
        for (const user of users) {
          expect(await verifyPassword(user.passwordHash, "a production demo password")).toBe(true);
          expect(await verifyPassword(user.passwordHash, "inkwell-password")).toBe(false);
        }
      } finally {
        await t.close();
      }
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  }, 120_000);
});
