import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RateLimitConfig } from "../config.js";
import { RateLimitedError } from "../errors.js";

/**
 * How often a client may try a password, create an account or write:
 * rate-limiter-flexible counts attempts per client address and per account
 * in fixed windows. The counts live in memory, per instance, unless
 * RATE_LIMIT_REDIS_URL names a Redis every instance shares; if that Redis
 * stops answering, each instance falls back to its own memory rather than
 * letting every attempt through.
 */
export interface AttemptLimits {
  /** Counts a log-in attempt; RATE_LIMITED when the address or the account has had too many. */
  logIn(address: string, email: string): Promise<void>;
  /** Counts a sign-up; RATE_LIMITED when the address has had too many. */
  signUp(address: string): Promise<void>;
  /**
   * Counts a mutation operation of a signed-in account; RATE_LIMITED when it
   * has sent too many. Every input is bounded, and so is how many a script
   * with one account can send: without it, a loop of addComment or
   * importPosts fills the database as fast as it commits.
   */
  write(accountId: number): Promise<void>;
  close(): Promise<void>;
}

export function createAttemptLimits(config: RateLimitConfig): AttemptLimits {
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1_000, lazyConnect: false })
    : null;
  // An unreachable Redis is reported by the limiter's fallback, not as an unhandled 'error' event.
  redis?.on("error", () => undefined);
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const options = { keyPrefix: `inkwell:${keyPrefix}`, points, duration: config.windowSeconds };
    return redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
  };
  const logInByAddress = limiter("login-address", config.logInPerAddress);
  const logInByAccount = limiter("login-account", config.logInPerAccount);
  const signUpByAddress = limiter("signup-address", config.signUpPerAddress);
  const writesByAccount = limiter("writes-account", config.writesPerAccount);

  const consume = async (rateLimiter: RateLimiterAbstract, key: string, what?: string) => {
    try {
      await rateLimiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), what);
      throw rejection;
    }
  };
  return {
    logIn: async (address, email) => {
      await consume(logInByAddress, address);
      await consume(logInByAccount, email);
    },
    signUp: (address) => consume(signUpByAddress, address),
    write: (accountId) => consume(writesByAccount, String(accountId), "writes from this account"),
    close: async () => {
      redis?.disconnect();
    },
  };
}
