import { createSecretKey } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import type { Role } from "../db/generated/prisma/client.js";

/**
 * Signed, expiring bearer tokens (JWT, HS256). We chose them over revocable
 * sessions because they cost no database round trip per request and need no
 * session table; the price is that a token stays valid until it expires, so
 * lifetimes are short and rotating AUTH_SECRET revokes every token at once.
 */
export interface Viewer {
  id: number;
  role: Role;
}

const ISSUER = "inkwell";

export interface TokenService {
  issue(viewer: Viewer): Promise<string>;
  /** The viewer a token names, or null when it is malformed, forged or expired. */
  verify(token: string): Promise<Viewer | null>;
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  // A KeyObject, imported once: handed raw bytes, jose imports the key again on every verify.
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  return {
    issue: (viewer) =>
      new SignJWT({ role: viewer.role })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(String(viewer.id))
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ["HS256"] });
        const id = Number(payload.sub);
        const role = payload.role;
        if (!Number.isSafeInteger(id) || (role !== "USER" && role !== "ADMIN")) return null;
        return { id, role };
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}
