import { hash, verify } from "@node-rs/argon2";

// argon2id (Algorithm.Argon2id; a const enum, which isolated modules cannot
// import) at the library's defaults: 19 MiB, t=2, p=1 (OWASP's baseline).
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * A valid hash of a password nobody knows. Verifying against it when the
 * email is unknown makes a failed log-in take as long either way, so the
 * response time does not reveal which emails have accounts.
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(crypto.randomUUID());
  return decoyHash;
}
