import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";

// argon2id (Algorithm.Argon2id; a const enum, which isolated modules cannot
// import) at the library's defaults: 19 MiB, t=2, p=1 (OWASP's baseline).
const ARGON2ID = 2;

/**
 * At most this many hashes run at once (each takes tens of milliseconds of
 * CPU and 19 MiB); the rest wait their turn, so a burst of log-ins cannot
 * starve every other request of CPU and memory.
 */
const CONCURRENT_HASHES = Math.max(2, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, { algorithm: ARGON2ID }));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return limited(() => verify(passwordHash, password)).catch(() => false);
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
