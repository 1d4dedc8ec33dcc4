import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  isUnionType,
  print,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { activeAccount, bindToUnitOfWork, type AccountLock, type AppServices, type Context, type InitialContext } from "../context.js";
import { isWriteConflict } from "../db/conflicts.js";
import { claimKey, IDEMPOTENCY_KEY_PATTERN, requestHash, storeResponse } from "../db/idempotency.js";
import { withSqlLog } from "../db/sql-log.js";
import { UnitOfWork, type IsolationLevel } from "../db/unit-of-work.js";
import type { Viewer } from "../auth/tokens.js";
import { BadUserInputError, IdempotencyKeyReusedError, UnauthenticatedError } from "../errors.js";
import { operationOf, rootFieldNames } from "./operation.js";

type Execute = (args: ExecutionArgs) => unknown;

/** Where units of work open their transactions, and their limits. */
export type UnitOfWorkDatabase = Pick<AppServices, "prisma" | "transaction" | "reads" | "events" | "attempts">;

/** Attempts of a unit of work that loses a race (serialization failure, deadlock) before it gives up. */
export const MAX_ATTEMPTS = 4;
/** The first retry waits up to this long (full jitter), doubling each time. */
const RETRY_BASE_MS = 10;

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
 *   transaction would describe writes that never happened;
 * - a unit that loses a race (40001, 40P01, in any of Prisma's shapes) is
 *   run again from the start, up to MAX_ATTEMPTS times, after a random
 *   wait; a root field may declare the isolation level its unit needs
 *   (`extensions: { isolationLevel }`), and the strictest declared wins;
 * - with an Idempotency-Key header, the operation claims the key in its
 *   own transaction and stores its response there: the same key with the
 *   same request replays that response and writes nothing; with another
 *   request it is IDEMPOTENCY_KEY_REUSED; a concurrent duplicate waits for
 *   the first and replays it; a failed operation stores nothing;
 * - with a bearer token, the unit opens its transaction before any
 *   resolver runs, and its first statement reads the account the token
 *   names and locks it (`FOR SHARE`): the operation acts as what it finds,
 *   and that holds until COMMIT. The request itself does not read the
 *   viewer for a mutation (createContext), so this is the only read of it.
 *   A suspension (or demotion) waits for the units of the account it
 *   changes, and those that start after it see it: an account suspended or
 *   deleted before the read acts as nobody (UNAUTHENTICATED wherever a
 *   viewer is needed), one demoted acts as what it is now. A root field
 *   that updates the viewer's own row declares it (`extensions:
 *   { updatesViewer: true }`), and its unit locks the row for update
 *   instead, so two such units of one account queue rather than deadlock
 *   (AccountLock). Two admins suspending each other deadlock on these
 *   locks; PostgreSQL aborts one, whose retry finds its admin suspended:
 *   one admin remains;
 * - the events its resolvers announced (src/events/events.ts) are published
 *   after COMMIT, and only then: an attempt that rolled back, or was run
 *   again, publishes nothing of its own;
 * Queries never open a transaction.
 */
export function useUnitOfWork(database: UnitOfWorkDatabase): Plugin<Context> {
  return {
    // Yoga validates before it builds the context: a mutation is marked here, so createContext leaves the viewer to its unit.
    onValidate({ params, context, extendContext }) {
      const { operationName } = (context as Partial<InitialContext>).params ?? {};
      if (operationOf(params.documentAST, operationName)?.operation === "mutation") extendContext({ viewerReadByUnit: true } as Partial<Context>);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as Context;
      const operation = operationOf(args.document, args.operationName);
      const { sqlLog } = ctx;
      // A query without a statement log runs as it is: no wrapper on the path of every read.
      if (operation?.operation !== "mutation" && !sqlLog) return;
      const execute = executeFn as Execute;
      const run = (executionArgs: ExecutionArgs) =>
        operation?.operation === "mutation" ? executeAsUnit(database, execute, executionArgs, ctx, operation) : execute(executionArgs);
      setExecuteFn(
        (sqlLog ? (executionArgs: ExecutionArgs) => withSqlLog(sqlLog, () => run(executionArgs)) : run) as typeof executeFn,
      );
    },
  };
}

interface Idempotency {
  userId: number;
  key: string;
  hash: string;
}

async function executeAsUnit(database: UnitOfWorkDatabase, execute: Execute, args: ExecutionArgs, ctx: Context, operation: OperationDefinitionNode): Promise<ExecutionResult> {
  const rootFields = rootFieldNames(args.document, operation);
  let idempotency: Idempotency | null = null;
  if (ctx.client.idempotencyKey !== null) {
    if (!IDEMPOTENCY_KEY_PATTERN.test(ctx.client.idempotencyKey)) {
      return failed(new BadUserInputError("An Idempotency-Key is 1 to 255 visible ASCII characters.", "Idempotency-Key"));
    }
    const answersCredential = rootFields.find((name) => credentialAnswering(args.schema).has(name));
    if (answersCredential) {
      return failed(
        new BadUserInputError(`${answersCredential} answers a credential, which is never stored: send it without an Idempotency-Key.`, "Idempotency-Key"),
      );
    }
    // Keys are kept per user; an anonymous operation has nobody to keep one for (the unit checks the account is active).
    if (ctx.tokenAccountId === null) return failed(new UnauthenticatedError("An Idempotency-Key needs a signed-in viewer."));
    const hash = requestHash(print(args.document), args.operationName, args.variableValues);
    idempotency = { userId: ctx.tokenAccountId, key: ctx.client.idempotencyKey, hash };
  }
  const isolationLevel = declaredIsolationLevel(args.schema, rootFields);
  const accountLock: AccountLock = updatesViewer(args.schema, rootFields) ? "update" : "share";
  // signUp and logIn act for nobody: no account to read, nor a connection to hold while they hash a password.
  const openToAll = openFields(args.schema);
  const accountId = rootFields.every((name) => openToAll.has(name)) ? null : ctx.tokenAccountId;
  if (accountId !== null) {
    // Counted before the unit opens: a refused operation holds no connection and writes nothing. Replays count too.
    try {
      await database.attempts.write(accountId);
    } catch (error) {
      return failed(asGraphQLError(error));
    }
  }
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptUnit(database, execute, args, ctx, { accountId, accountLock, isolationLevel, idempotency });
    if (!outcome.conflict || attempt === MAX_ATTEMPTS) {
      if (outcome.conflict) ctx.log.warn("unit of work gave up after write conflicts", { attempts: attempt });
      return outcome.result;
    }
    ctx.log.info("unit of work retried", { attempt });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_BASE_MS * 2 ** (attempt - 1)));
  }
}

function failed(error: GraphQLError): ExecutionResult {
  return { data: null, errors: [error] };
}

async function attemptUnit(
  database: UnitOfWorkDatabase,
  execute: Execute,
  args: ExecutionArgs,
  ctx: Context,
  {
    accountId,
    accountLock,
    isolationLevel,
    idempotency,
  }: { accountId: number | null; accountLock: AccountLock; isolationLevel: IsolationLevel | undefined; idempotency: Idempotency | null },
): Promise<{ result: ExecutionResult; conflict: boolean }> {
  const { prisma, transaction } = database;
  const unit = new UnitOfWork(prisma, { maxWait: transaction.maxWaitMs, timeout: transaction.timeoutMs, isolationLevel, driver: transaction.driver });
  const { sql } = unit;
  let viewer: Viewer | null = null;
  let result: ExecutionResult;
  try {
    // The account the token names, as the transaction's first statement finds it, locked until COMMIT.
    if (accountId !== null) viewer = await activeAccount(sql, accountId, { lock: accountLock });
    if (idempotency) {
      if (!viewer) {
        await unit.finish(false);
        return { result: failed(new UnauthenticatedError("Your account is no longer active.")), conflict: false };
      }
      const claim = await claimKey(sql, idempotency.userId, idempotency.key, idempotency.hash);
      if (claim.kind !== "claimed") {
        await unit.finish(false);
        if (claim.kind === "reused") return { result: failed(new IdempotencyKeyReusedError()), conflict: false };
        const replayed = claim.response as ExecutionResult;
        return { result: { ...replayed, extensions: { ...replayed.extensions, http: { headers: { "Idempotent-Replayed": "true" } } } }, conflict: false };
      }
    }
    result = (await execute({ ...args, contextValue: bindToUnitOfWork(ctx, unit, viewer) })) as ExecutionResult;
    if (idempotency && !result.errors?.length) {
      await storeResponse(sql, idempotency.userId, idempotency.key, { data: result.data });
    }
  } catch (error) {
    await unit.finish(false);
    if (isWriteConflict(error)) return { result: failed(asGraphQLError(error)), conflict: true };
    throw error;
  }
  if (result.errors?.length) {
    await unit.finish(false);
    const conflict = result.errors.some((error) => isWriteConflict(error.originalError));
    return { result: { data: null, errors: result.errors }, conflict };
  }
  try {
    await unit.finish(true);
  } catch (error) {
    // COMMIT failed (a serialization failure, the connection lost, the transaction timed out): nothing was written.
    return { result: failed(asGraphQLError(error)), conflict: isWriteConflict(error) };
  }
  // Whoever wrote reads the primary for a while, so their next query sees it (and so does the account signUp made),
  // on this instance now and on the others once they hear of it.
  const writers = unit.started ? [viewer?.id, unit.signedInAccountId].filter((account): account is number => account != null) : [];
  for (const account of writers) database.reads.wrote(account);
  const wrote = database.reads.keepsWriters ? writers.map((userId) => ({ kind: "accountWrote" as const, userId })) : [];
  database.events.publish([...unit.events, ...wrote]);
  return { result, conflict: false };
}

function asGraphQLError(error: unknown): GraphQLError {
  return error instanceof GraphQLError ? error : new GraphQLError("Unexpected error.", { originalError: error as Error });
}

const openMutationFields = new WeakMap<GraphQLSchema, Set<string>>();

/**
 * The mutation fields open to the signed-out (exempt from the Mutation
 * type's signedIn scope: `skipTypeScopes`), which act for nobody
 * (`inOpenWork`, src/schema/mutation-work.ts).
 */
function openFields(schema: GraphQLSchema): Set<string> {
  let found = openMutationFields.get(schema);
  if (!found) {
    const fields = Object.values(schema.getMutationType()?.getFields() ?? {});
    const open = (extensions: unknown) => (extensions as { pothosOptions?: { skipTypeScopes?: boolean } }).pothosOptions?.skipTypeScopes === true;
    found = new Set(fields.filter((field) => open(field.extensions)).map((field) => field.name));
    openMutationFields.set(schema, found);
  }
  return found;
}

const credentialFields = new WeakMap<GraphQLSchema, Set<string>>();

/**
 * The mutation fields whose answer can hold a credential: a field marked
 * `extensions: { credential: true }` (a bearer token) anywhere in the types
 * their answer reaches. An idempotent replay is a stored answer, so these
 * refuse an Idempotency-Key: a credential is never written to the database.
 * Worked out once per schema, from the marks, so a new mutation that
 * answers a token is covered without a list to keep.
 */
function credentialAnswering(schema: GraphQLSchema): Set<string> {
  let found = credentialFields.get(schema);
  if (found) return found;
  // Types whose answer holds a credential, to a fixpoint: marked fields first, then whatever reaches them.
  const holding = new Set<string>();
  const types = Object.values(schema.getTypeMap());
  const holds = (type: GraphQLNamedType): boolean => {
    if (isUnionType(type)) return type.getTypes().some((member) => holding.has(member.name));
    if (!isObjectType(type) && !isInterfaceType(type)) return false;
    return Object.values(type.getFields()).some((field) => field.extensions?.credential === true || holding.has(getNamedType(field.type).name));
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const type of types) {
      if (!holding.has(type.name) && holds(type)) {
        holding.add(type.name);
        grew = true;
      }
    }
  }
  const reaches = (type: GraphQLNamedType) => holding.has(type.name);
  const fields = Object.values(schema.getMutationType()?.getFields() ?? {});
  found = new Set(fields.filter((field) => reaches(getNamedType(field.type))).map((field) => field.name));
  credentialFields.set(schema, found);
  return found;
}

/** What the mutation's root fields declare in their `extensions`, one entry per field the schema has. */
function declarations(schema: GraphQLSchema, rootFields: string[]): Readonly<Record<string, unknown>>[] {
  const fields = schema.getMutationType()?.getFields() ?? {};
  return rootFields.flatMap((name) => (fields[name] ? [fields[name].extensions ?? {}] : []));
}

/** Whether a root field of the mutation declares that it updates the viewer's own row (`extensions: { updatesViewer: true }`). */
function updatesViewer(schema: GraphQLSchema, rootFields: string[]): boolean {
  return declarations(schema, rootFields).some((extensions) => extensions.updatesViewer === true);
}

const STRICTNESS: IsolationLevel[] = ["ReadUncommitted", "ReadCommitted", "RepeatableRead", "Serializable"];

/** The strictest isolation level any root field of the mutation declares; the database's default when none does. */
function declaredIsolationLevel(schema: GraphQLSchema, rootFields: string[]): IsolationLevel | undefined {
  let level: IsolationLevel | undefined;
  for (const extensions of declarations(schema, rootFields)) {
    const declared = extensions.isolationLevel as IsolationLevel | undefined;
    if (declared && (!level || STRICTNESS.indexOf(declared) > STRICTNESS.indexOf(level))) level = declared;
  }
  return level;
}
