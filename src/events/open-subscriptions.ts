import type { GraphQLError } from "graphql";
import { TooManySubscriptionsError } from "../errors.js";

/**
 * The subscriptions this process serves, counted per holder (a signed-in
 * viewer, or a signed-out client's address) and in all, so each limit is
 * checked when one opens; and how the server ends them all when it stops.
 */
export class OpenSubscriptions {
  readonly #perHolder = new Map<string, number>();
  readonly #open = new Set<OpenSubscription>();

  constructor(private readonly limits: { readonly perViewer: number; readonly perProcess: number }) {}

  get size(): number {
    return this.#open.size;
  }

  /** Opens one for `holder`, or says which limit refused it. */
  open(holder: string): OpenSubscription | TooManySubscriptionsError {
    const held = this.#perHolder.get(holder) ?? 0;
    if (held >= this.limits.perViewer) return new TooManySubscriptionsError(this.limits.perViewer, "viewer");
    if (this.#open.size >= this.limits.perProcess) return new TooManySubscriptionsError(this.limits.perProcess, "instance");
    this.#perHolder.set(holder, held + 1);
    const subscription = new OpenSubscription(() => {
      this.#open.delete(subscription);
      const left = (this.#perHolder.get(holder) ?? 1) - 1;
      if (left > 0) this.#perHolder.set(holder, left);
      else this.#perHolder.delete(holder);
    });
    this.#open.add(subscription);
    return subscription;
  }

  /** Ends every open subscription, each with `reason` as its last event. */
  endAll(reason: () => GraphQLError): void {
    for (const subscription of [...this.#open]) subscription.end(reason());
  }
}

/**
 * One open subscription. It ends once, for the first of: the client went
 * away, its stream finished, or the server ended it with a reason (its
 * last event). Its signal aborts then, which stops its reads and listeners.
 */
export class OpenSubscription {
  readonly #controller = new AbortController();
  #reason: GraphQLError | null = null;
  readonly #ended: Promise<void>;
  #resolveEnded!: () => void;
  #released = false;

  constructor(private readonly release: () => void) {
    this.#ended = new Promise((resolve) => (this.#resolveEnded = resolve));
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Resolves when it ends. */
  get ended(): Promise<void> {
    return this.#ended;
  }

  /** The error to send as its last event, when the server ended it. */
  get reason(): GraphQLError | null {
    return this.#reason;
  }

  end(reason: GraphQLError | null = null): void {
    if (this.#released) return;
    this.#released = true;
    this.#reason = reason;
    this.release();
    this.#controller.abort();
    this.#resolveEnded();
  }
}
