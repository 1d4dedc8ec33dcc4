/**
 * What happened, as the subscriptions hear it: one event per committed
 * change a subscriber may care about. Events carry ids only; a subscription
 * reads what it delivers through the same read paths and access rules as a
 * query (so an event never shows a subscriber more than a query would), and
 * an event is no more than a reason to read again.
 *
 * Events are announced by the unit of work that made the change and
 * published only after it committed (src/plugins/unit-of-work.ts), so a
 * write that rolled back announces nothing.
 */
export type DomainEvent =
  /** A comment was added to a post. */
  | { readonly kind: "commentAdded"; readonly postId: number; readonly commentId: number }
  /** A draft became published. */
  | { readonly kind: "postPublished"; readonly postId: number; readonly authorId: number }
  /** A post went back to draft or was deleted: who could see it may not any more. */
  | { readonly kind: "postWithdrawn"; readonly postId: number }
  /** A user's credit balance changed (a ledger entry was written for their account). */
  | { readonly kind: "creditsChanged"; readonly userId: number }
  /** An account was suspended: its streams end. */
  | { readonly kind: "accountChanged"; readonly userId: number }
  /** An account committed a write: with read replicas, every instance sends its next reads to the primary (src/db/read-routing.ts). */
  | { readonly kind: "accountWrote"; readonly userId: number };

export type DomainEventKind = DomainEvent["kind"];

/** Records an event for publication when the unit of work commits. */
export type Announce = (event: DomainEvent) => void;

/**
 * The topic an event is delivered on: per post, per user, or one for every
 * published post (its subscribers filter by author and tag, which they read).
 */
export function topicOf(event: DomainEvent): string {
  switch (event.kind) {
    case "commentAdded":
      return topics.commentsOf(event.postId);
    case "postPublished":
      return topics.publishedPosts;
    case "postWithdrawn":
      return topics.withdrawalOf(event.postId);
    case "creditsChanged":
      return topics.creditsOf(event.userId);
    case "accountChanged":
      return topics.accountOf(event.userId);
    case "accountWrote":
      return topics.writers;
  }
}

export const topics = {
  commentsOf: (postId: number) => `comments:${postId}`,
  publishedPosts: "published-posts",
  withdrawalOf: (postId: number) => `withdrawn:${postId}`,
  creditsOf: (userId: number) => `credits:${userId}`,
  accountOf: (userId: number) => `account:${userId}`,
  writers: "writers",
} as const;

/** Whether a value that came over the wire (Redis) is an event this code knows. */
export function isDomainEvent(value: unknown): value is DomainEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as Record<string, unknown>;
  const id = (key: string) => Number.isSafeInteger(event[key]) && (event[key] as number) > 0;
  switch (event.kind) {
    case "commentAdded":
      return id("postId") && id("commentId");
    case "postPublished":
      return id("postId") && id("authorId");
    case "postWithdrawn":
      return id("postId");
    case "creditsChanged":
    case "accountChanged":
    case "accountWrote":
      return id("userId");
    default:
      return false;
  }
}
