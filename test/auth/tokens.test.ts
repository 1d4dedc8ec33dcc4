import { describe, expect, it } from "vitest";
import { createTokenService } from "../../src/auth/tokens.js";

/**
 * The token service remembers tokens it verified (src/auth/tokens.ts); what
 * it remembers must never outlive the token, nor vouch for another token.
 */
describe("token verification", () => {
  const secret = "token-test-secret-token-test-secret-token-test";

  it("accepts a verified token again, and not once it has expired", async () => {
    // `exp` is in whole seconds, so a two-second token stays valid for at least
    // one (a one-second token issued late in a second could expire before it is
    // checked, on a busy machine) and is gone within three.
    const tokens = createTokenService(secret, 2, "test-deployment");
    const token = await tokens.issue(42);
    expect((await tokens.verify(token))?.userId).toBe(42);
    expect((await tokens.verify(token))?.userId).toBe(42);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(await tokens.verify(token)).toBeNull();
  });

  it("does not vouch for a token that differs from a verified one by its signature", async () => {
    const tokens = createTokenService(secret, 60, "test-deployment");
    const token = await tokens.issue(7);
    expect((await tokens.verify(token))?.userId).toBe(7);
    const [header, payload, signature] = token.split(".");
    const forged = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith("AA") ? "BB" : "AA"}`;
    expect(await tokens.verify(forged)).toBeNull();
    expect((await tokens.verify(token))?.userId).toBe(7);
  });

  it("does not accept another deployment's token, verified or not", async () => {
    const [here, there] = [createTokenService(secret, 60, "here"), createTokenService(secret, 60, "there")];
    const token = await here.issue(5);
    expect((await here.verify(token))?.userId).toBe(5);
    expect(await there.verify(token)).toBeNull();
  });

  it("names its deployment without the database's name or the server's directories, which its holder can read", async () => {
    const deployment = "pglite:/srv/inkwell/.data/pglite";
    const token = await createTokenService(secret, 60, deployment).issue(5);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iss", "sub"]);
    expect(claims.aud).toMatch(/^[\w-]{22}$/);
    expect(token.split(".").map((part) => Buffer.from(part, "base64url").toString("utf8")).join(" ")).not.toMatch(/srv|inkwell\/|pglite/);
    // The same deployment and secret name the same audience: every instance accepts the others' tokens.
    expect((await createTokenService(secret, 60, deployment).verify(token))?.userId).toBe(5);
  });
});
