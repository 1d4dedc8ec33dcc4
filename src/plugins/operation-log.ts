import type { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../context.js";
import { reportError } from "../errors.js";
import { errorsOf, operationOf } from "./operation.js";

/**
 * One structured log line per executed operation: request id, operation
 * name and type, duration, SQL statement count (when counted) and error
 * count. An operation answered in parts (`@defer`, `@stream`) is logged once,
 * when its last part has gone or the client went away, with the errors of
 * every part and the number of parts. Each error is reported here (src/errors.ts: reportError),
 * before masking hides it from the client.
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
            for (const error of errors) reportError(ctx.log, error);
            ctx.log.info("operation", {
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
