import { createSecretKey } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import type { Role } from "../db/generated/prisma/client.js";
import { derivedKey } from "./deployment.js";

/**
 * Signed, expiring bearer tokens (JWT, HS256). A token says only who the
 * viewer is; what they may do (their role, whether the account still
 * exists) is read from the database on every request, so a demoted admin
 * or a deleted account loses its rights at once. We chose tokens over
 * revocable sessions because they need no session table; the price is that a
 * token stays valid until it expires, so lifetimes are short and rotating
 * AUTH_SECRET revokes every token at once. A token is bound to the
 * deployment that issued it (src/auth/deployment.ts): its audience is an
 * opaque name for it, and its key is derived for it.
 */
export interface Viewer {
  id: number;
  role: Role;
}

const ISSUER = "inkwell";
/** Verified tokens kept per process: a few megabytes at most. */
const VERIFIED_TOKENS = 10_000;

/** What a valid token says: whose it is, and until when (ms since the epoch; a subscription ends then). */
export interface VerifiedToken {
  readonly userId: number;
  readonly expiresAt: number;
}

export interface TokenService {
  issue(userId: number): Promise<string>;
  /** Whose a token is, or null when it is malformed, forged, expired or has no expiry. */
  verify(token: string): Promise<VerifiedToken | null>;
}

export function createTokenService(secret: string, ttlSeconds: number, deployment: string): TokenService {
  // A KeyObject, imported once: handed raw bytes, jose imports the key again on every verify.
  const key = createSecretKey(derivedKey(secret, deployment, "token signing"));
  // Opaque: anyone holding a token can read its claims, and the deployment's own name is a database name or a path.
  const audience = derivedKey(secret, deployment, "token audience").subarray(0, 16).toString("base64url");
  /**
   * Tokens whose signature and claims checked out, each until its own expiry:
   * a client sends the same token with every request, and the HMAC check
   * was a twentieth of a signed-in mutation's CPU. Keyed by the whole token,
   * so a changed byte is a miss and is checked again; only valid tokens are
   * kept, and at most `VERIFIED_TOKENS` of them. Whether the account may act
   * is still read from the database on every request (src/context.ts).
   */
  const verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS });
  return {
    issue: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(String(userId))
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    verify: async (token) => {
      const known = verified.get(token);
      if (known !== undefined) return known;
      try {
        // A token without `exp` would be valid forever.
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience, algorithms: ["HS256"], requiredClaims: ["exp", "sub"] });
        const userId = Number(payload.sub);
        if (!Number.isSafeInteger(userId) || userId <= 0) return null;
        const found: VerifiedToken = { userId, expiresAt: payload.exp! * 1000 };
        const lifetimeMs = Math.floor(found.expiresAt - Date.now());
        if (lifetimeMs > 0) verified.set(token, found, { ttl: lifetimeMs });
        return found;
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}
