import { createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type ExecutionResult } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { activeAccount, eventScope, subscriptionScope, type AppServices, type Context } from "../context.js";
import { topics } from "../events/events.js";
import type { OpenSubscription, OpenSubscriptions } from "../events/open-subscriptions.js";
import { reportError, UnauthenticatedError } from "../errors.js";
import type { Metrics } from "../metrics/metrics.js";
import { errorsOf, operationOf, rootFieldNames } from "./operation.js";

/** setTimeout's longest delay; a token that lives longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Serves every subscription operation (each a stream of server-sent events):
 * - it counts against its viewer's (or signed-out address's) limit and the
 *   instance's (src/events/open-subscriptions.ts); over either, the request
 *   is answered TOO_MANY_SUBSCRIPTIONS (HTTP 429) and nothing runs;
 * - its source stream reads the primary, and each event is executed in a
 *   scope of its own (src/context.ts: subscriptionScope, eventScope): fresh
 *   loaders for every event, the same viewer;
 * - it ends, with a last event saying why, when the viewer's token expires
 *   or the account is suspended (UNAUTHENTICATED), or the server shuts
 *   down (SHUTTING_DOWN); without one when the client goes away. An error
 *   of the stream itself (the post went back to draft: NOT_FOUND) is its
 *   last event too;
 * - the metrics count open subscriptions and delivered events, and one log
 *   line reports each subscription when it ends.
 */
export function useSubscriptions(deps: { services: Pick<AppServices, "prisma" | "sql" | "events">; open: OpenSubscriptions; metrics: Metrics | null }): Plugin<Context> {
  const { services, open, metrics } = deps;
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const ctx = args.contextValue as Context;
      const operation = operationOf(args.document, args.operationName);
      // A field of the schema (the document was validated: a subscription has one root field): a bounded label.
      const field = (operation && rootFieldNames(args.document, operation)[0]) ?? "unknown";
      setSubscribeFn((async (subscribeArgs: ExecutionArgs) => {
        const opened = open.open(ctx.viewer ? `viewer:${ctx.viewer.id}` : `address:${ctx.client.address}`);
        if (opened instanceof GraphQLError) return { errors: [opened] };
        const subscription = opened;
        const startedAt = performance.now();
        const ending = endingWhen(subscription, ctx, services);
        // However it ends, refused at once included: no timer or listener outlives it.
        void subscription.ended.then(() => ending.stop());
        const base = subscriptionScope(ctx, services, subscription.signal);
        let source: Awaited<ReturnType<typeof createSourceEventStream>>;
        try {
          source = await createSourceEventStream({ ...subscribeArgs, contextValue: base });
        } catch (error) {
          subscription.end();
          throw error;
        }
        if (!isAsyncIterable(source)) {
          subscription.end();
          return source;
        }
        metrics?.subscriptionsOpen.inc({ field });
        let delivered = 0;
        // Reported as they happen (a stream may live for days): unexpected ones and database faults, with the request id.
        const report = (errors: readonly GraphQLError[]) => errors.forEach((error) => reportError(ctx.log, error));
        void subscription.ended.then(() => {
          metrics?.subscriptionsOpen.dec({ field });
          ctx.log.info("subscription", {
            field,
            durationMs: Math.round(performance.now() - startedAt),
            events: delivered,
            endedBy: subscription.reason ? String(subscription.reason.extensions.code) : "client or stream",
          });
        });
        return deliver(source, subscription, async (payload) => {
          const result = await execute({ ...subscribeArgs, rootValue: payload, contextValue: eventScope(base) });
          delivered += 1;
          metrics?.subscriptionEvents.inc({ field });
          report(errorsOf(result));
          return result;
        }, report);
      }) as never);
    },
  };
}

/**
 * The subscription's own reasons to end: the token's expiry, the account's
 * suspension (heard as an event, or found when events may have been missed),
 * and the client going away.
 */
function endingWhen(subscription: OpenSubscription, ctx: Context, primary: Pick<AppServices, "sql" | "events">): { stop(): void } {
  const onAbort = () => subscription.end();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const expiresAt = ctx.tokenExpiresAt;
  if (expiresAt !== null) {
    const arm = () => {
      const left = expiresAt - Date.now();
      if (left <= 0) subscription.end(new UnauthenticatedError("Your token expired; sign in again and subscribe again."));
      else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    arm();
  }
  const viewer = ctx.viewer;
  const account = viewer ? primary.events.listen([topics.accountOf(viewer.id)]) : null;
  if (account && viewer) {
    void (async () => {
      for (;;) {
        const heard = await account.next();
        if (heard === null) return;
        try {
          if (!(await activeAccount(primary.sql, viewer.id))) subscription.end(new UnauthenticatedError("Your account is no longer active."));
        } catch (error) {
          // Unsure whether the account still may: end it, with the fault (a new subscription looks the viewer up again).
          subscription.end(error instanceof GraphQLError ? error : new GraphQLError("The database is not available.", { originalError: error as Error }));
        }
      }
    })();
  }
  return {
    stop() {
      ctx.signal.removeEventListener("abort", onAbort);
      clearTimeout(timer);
      account?.close();
    },
  };
}

/**
 * The stream the client reads: each payload of the source executed by
 * `run`, until the subscription ends; then the reason it ended, if it has
 * one, as a last event. Not an async generator: `return()` (the client went
 * away) must act at once, even while a read is waiting for an event.
 */
function deliver(
  source: AsyncIterable<unknown>,
  subscription: OpenSubscription,
  run: (payload: unknown) => Promise<ExecutionResult>,
  report: (errors: readonly GraphQLError[]) => void,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let lastSent = false;
  const finish = () => {
    subscription.end();
    void iterator.return?.()?.catch(() => undefined);
  };
  type Step = { kind: "payload"; value: IteratorResult<unknown> } | { kind: "failed"; error: unknown } | { kind: "ended" };
  const ended = subscription.ended.then((): Step => ({ kind: "ended" }));
  const last = (): IteratorResult<ExecutionResult> => {
    const reason = subscription.reason;
    if (reason && !lastSent) {
      lastSent = true;
      report([reason]);
      return { done: false, value: { data: null, errors: [reason] } };
    }
    return { done: true, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (subscription.signal.aborted) return last();
      const step = await Promise.race<Step>([
        iterator.next().then(
          (value): Step => ({ kind: "payload", value }),
          (error: unknown): Step => ({ kind: "failed", error }),
        ),
        ended,
      ]);
      if (step.kind === "ended") return last();
      if (step.kind === "failed") {
        finish();
        // The stream's own error (NOT_FOUND when the post is gone, a database fault) is its last event.
        const error = step.error instanceof GraphQLError ? step.error : new GraphQLError("Unexpected error.", { originalError: step.error as Error });
        report([error]);
        return { done: false, value: { data: null, errors: [error] } };
      }
      if (step.value.done) {
        finish();
        return { done: true, value: undefined };
      }
      return { done: false, value: await run(step.value.value) };
    },
    async return() {
      finish();
      return { done: true, value: undefined };
    },
  };
}
