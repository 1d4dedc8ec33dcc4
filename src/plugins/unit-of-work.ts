import { GraphQLError, type ExecutionArgs, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { bindToUnitOfWork, type Context } from "../context.js";
import { withSqlLog } from "../db/sql-log.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { operationOf } from "./operation.js";

type Execute = (args: ExecutionArgs) => unknown;

/**
 * Makes every operation one unit of work on the request's scope:
 * - every SQL statement it sends is recorded in the request's SqlLog, when
 *   statements are counted;
 * - a mutation operation runs, all of its root fields, their reads and
 *   writes, their audit events and the resolution of the payload, in one
 *   transaction bound to a copy of the context, opened by its first
 *   statement (src/db/unit-of-work.ts). It commits only when the whole
 *   operation succeeded; otherwise it rolls back and the response is
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
        operation === "mutation" ? executeAsUnit(execute, executionArgs, ctx) : execute(executionArgs);
      const { sqlLog } = ctx;
      setExecuteFn(
        (sqlLog ? (executionArgs: ExecutionArgs) => withSqlLog(sqlLog, () => run(executionArgs)) : run) as typeof executeFn,
      );
    },
  };
}

async function executeAsUnit(execute: Execute, args: ExecutionArgs, ctx: Context): Promise<ExecutionResult> {
  const { prisma, transaction } = ctx.services;
  const unit = new UnitOfWork(prisma, { maxWait: transaction.maxWaitMs, timeout: transaction.timeoutMs });
  let result: ExecutionResult;
  try {
    result = (await execute({ ...args, contextValue: bindToUnitOfWork(ctx, unit) })) as ExecutionResult;
  } catch (error) {
    await unit.finish(false);
    throw error;
  }
  const failed = Boolean(result.errors?.length);
  try {
    await unit.finish(!failed);
  } catch (error) {
    // COMMIT failed (a serialization failure, the connection lost, the transaction timed out):
    // nothing was written; report it as an error of the operation.
    return { data: null, errors: [new GraphQLError("Unexpected error.", { originalError: error as Error })] };
  }
  return failed ? { data: null, errors: result.errors } : result;
}
