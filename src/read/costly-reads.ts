import pLimit, { type LimitFunction } from "p-limit";
import type { CostlyReadLimits } from "../config.js";
import { DatabaseFaultError } from "../errors.js";

/**
 * Reads whose cost follows the data rather than the page: a ranked search
 * ranks every match, a site figure aggregates every row of its period, a
 * list's count that no trigger keeps (a user's comments) reads every item
 * of the list. On 100,000 posts one such read takes from 0.3 s (a search
 * for a word most posts have) to 2.5 s (ten years of figures), so a few anonymous requests
 * at once would hold every pooled connection and make every other request
 * wait. An instance runs at most `atOnce` of them, lets `waiting` more
 * wait their turn, and answers the rest DATABASE_BUSY (503, Retry-After)
 * at once: the pool's other connections stay free for everything else.
 */
export class CostlyReads {
  readonly #limit: LimitFunction;
  readonly #capacity: number;

  constructor({ atOnce, waiting }: CostlyReadLimits) {
    this.#limit = pLimit(atOnce);
    this.#capacity = atOnce + waiting;
  }

  /** Runs `read` when a turn is free; DatabaseFaultError("DATABASE_BUSY") at once when every turn is taken and as many wait as may. */
  run<T>(read: () => Promise<T>): Promise<T> {
    // p-limit counts a read as pending until a turn starts it, and active after.
    if (this.#limit.activeCount + this.#limit.pendingCount >= this.#capacity) throw new DatabaseFaultError("DATABASE_BUSY");
    return this.#limit(read);
  }
}
