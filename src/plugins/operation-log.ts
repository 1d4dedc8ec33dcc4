import type { ExecutionResult, GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { expectedError } from "../errors.js";
import { operationOf } from "./operation.js";

/**
 * One structured log line per executed operation: request id, operation
 * name and type, duration, SQL statement count (when counted) and error
 * count. An operation answered in parts (`@defer`, `@stream`) is logged once,
 * when its last part has gone or the client went away, with the errors of
 * every part and the number of parts. Errors that are not expected ones are logged in full here, with the
 * request id, before masking hides them from the client; database faults
 * (answered as DATABASE_*) are logged at warn with their cause.
 */
export function useOperationLog(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const startedAt = performance.now();
      const ctx = args.contextValue as Context;
      const operation = operationOf(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          const report = (errors: readonly GraphQLError[], parts?: number) => {
            const { logger } = ctx.services;
            for (const error of errors) {
              const expected = expectedError(error);
              if (!expected) logUnexpected(ctx, error);
              else if (expected.extensions.code.startsWith("DATABASE_")) logDatabaseFault(ctx, error, expected.extensions.code);
            }
            logger.info("operation", {
              requestId: ctx.requestId,
              operationName: operation?.name?.value ?? null,
              operationType: operation?.operation ?? null,
              durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
              ...(ctx.sqlLog ? { sqlStatements: ctx.sqlLog.count } : {}),
              ...(parts === undefined ? {} : { parts }),
              errors: errors.length,
            });
          };
          if (!isAsyncIterable(result)) return report(errorsOf(result));
          const errors: GraphQLError[] = [];
          let parts = 0;
          return {
            onNext({ result: part }) {
              parts += 1;
              errors.push(...errorsOf(part));
            },
            onEnd() {
              report(errors, parts);
            },
          };
        },
      };
    },
  };
}

/** The errors of a whole answer, or of one part of an incremental one (its own and its `incremental` entries'). */
function errorsOf(result: unknown): GraphQLError[] {
  const part = result as ExecutionResult & { incremental?: { errors?: readonly GraphQLError[] }[] };
  return [...(part.errors ?? []), ...(part.incremental ?? []).flatMap((entry) => entry.errors ?? [])];
}

const logged = new WeakSet<object>();

/** Whether this plugin already logged the error (with its request id), so Yoga's own report can be quieter. */
export function wasLoggedWithRequest(error: unknown): boolean {
  const original = error instanceof Error && "originalError" in error ? (error as GraphQLError).originalError : undefined;
  return (typeof error === "object" && error !== null && logged.has(error)) || (original != null && logged.has(original));
}

/** A database fault is answered with its own code, and the operator gets what lay under it. */
function logDatabaseFault(ctx: Context, error: GraphQLError, code: string): void {
  const original = error.originalError ?? error;
  logged.add(original);
  ctx.services.logger.warn("database fault", { requestId: ctx.requestId, code, path: error.path?.join("."), error: original });
}

function logUnexpected(ctx: Context, error: GraphQLError): void {
  const original = error.originalError ?? error;
  logged.add(original);
  ctx.services.logger.error("unexpected error", { requestId: ctx.requestId, path: error.path?.join("."), error: original });
}
