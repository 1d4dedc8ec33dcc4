import { GraphQLError, type ExecutionArgs, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { bindToTransaction, type Context } from "../context.js";
import { operationOf } from "./operation.js";
import { withSqlLog } from "../db/sql-log.js";

type Execute = (args: ExecutionArgs) => unknown;

/** Thrown inside the transaction to roll it back when the operation had errors. */
class OperationFailed extends Error {
  constructor(readonly result: ExecutionResult) {
    super("the operation had errors; rolling back");
  }
}

/**
 * Makes every operation one unit of work on the request's scope:
 * - every SQL statement it sends is recorded in the request's SqlLog, when
 *   statements are counted;
 * - a mutation operation runs, all of its root fields, their reads and
 *   writes, their audit events and the resolution of the payload, in one
 *   transaction bound to a copy of the context. It commits only when the
 *   whole operation succeeded; otherwise it rolls back and the response is
 *   `data: null` with every error, since partial data from a rolled-back
 *   transaction would describe writes that never happened.
 * Queries never open a transaction.
 */
export function useUnitOfWork(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as Context;
      const operation = operationOf(args.document, args.operationName)?.operation;
      const execute = executeFn as Execute;
      const run = (executionArgs: ExecutionArgs) =>
        operation === "mutation" ? executeInTransaction(execute, executionArgs, ctx) : execute(executionArgs);
      const { sqlLog } = ctx;
      setExecuteFn(
        (sqlLog ? (executionArgs: ExecutionArgs) => withSqlLog(sqlLog, () => run(executionArgs)) : run) as typeof executeFn,
      );
    },
  };
}

async function executeInTransaction(execute: Execute, args: ExecutionArgs, ctx: Context): Promise<ExecutionResult> {
  const { prisma, transaction } = ctx.services;
  try {
    return await prisma.$transaction(
      async (tx) => {
        const result = (await execute({ ...args, contextValue: bindToTransaction(ctx, tx) })) as ExecutionResult;
        if (result.errors?.length) throw new OperationFailed(result);
        return result;
      },
      { maxWait: transaction.maxWaitMs, timeout: transaction.timeoutMs },
    );
  } catch (error) {
    if (error instanceof OperationFailed) return { data: null, errors: error.result.errors };
    // BEGIN or COMMIT failed (pool exhausted, serialization failure, timeout):
    // nothing was written; report it as an error of the operation.
    return { data: null, errors: [new GraphQLError("Unexpected error.", { originalError: error as Error })] };
  }
}
