import { context, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import type { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { errorsOf, operationOf } from "./operation.js";

/**
 * Each GraphQL operation as a span under its request's (src/tracing/tracing.ts),
 * named by its type and name, with the codes of its errors, and active
 * while the operation runs, so the statements it sends (its unit of work's
 * BEGIN, the acting account's re-read and COMMIT included) are its
 * children. It comes after the unit of work in the plugin list, so its
 * wrapper is the outermost one.
 */
export function useTracing(tracer: Tracer): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = operationOf(args.document, args.operationName);
      const type = operation?.operation ?? "unknown";
      const name = operation?.name?.value.slice(0, 100);
      const span = tracer.startSpan(name ? `graphql.${type} ${name}` : `graphql.${type}`, {
        attributes: { "graphql.operation.type": type, ...(name ? { "graphql.operation.name": name } : {}) },
      });
      const active = trace.setSpan(context.active(), span);
      setExecuteFn(((executionArgs: Parameters<typeof executeFn>[0]) => context.with(active, () => executeFn(executionArgs))) as typeof executeFn);
      const finish = (errors: readonly GraphQLError[]) => {
        if (errors.length) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.setAttribute("graphql.error.codes", [...new Set(errors.map((error) => String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR")))]);
        }
        span.end();
      };
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return finish(errorsOf(result));
          const errors: GraphQLError[] = [];
          return {
            onNext({ result: part }) {
              errors.push(...errorsOf(part));
            },
            onEnd() {
              finish(errors);
            },
          };
        },
      };
    },
  };
}
