import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { Prisma } from "./db/generated/prisma/client.js";
import type { Logger } from "./logger.js";

/**
 * The error contract, in one module: every code and refusal reason a client
 * may see, declared once with what it means; how an error is classified
 * (expectedError, databaseFault), masked (maskError), stamped with the
 * request id (stampRequestId) and logged (reportError). The plugins only
 * call these at the right moment.
 *
 * The few errors a client may see, each with a stable `extensions.code` and
 * what it means to a client. Anything else is an unexpected error: masked
 * for the client as INTERNAL_SERVER_ERROR and logged with the request id.
 * The schema's ErrorCode enum carries these descriptions.
 */
export const ERROR_CODE_DESCRIPTIONS = {
  BAD_USER_INPUT:
    "The client's mistake: a bad argument (extensions.field names it), a malformed or foreign cursor, text or a list over its limit, or a document refused before it ran (extensions.reason says why: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, DEPTH_LIMIT, COST_LIMIT, …). Fix the request; retrying it unchanged fails again.",
  UNAUTHENTICATED: "The operation needs a signed-in viewer, the email or password is wrong, or the token is expired, forged or of an account that is gone or suspended.",
  FORBIDDEN: "The viewer may not do this to something it can see (someone else's published post, an admin-only field).",
  NOT_FOUND: "The thing does not exist, or the viewer may not know that it does: both answer the same, word for word.",
  CONFLICT: "The write collides with existing data, like a taken handle or email (extensions.field names it).",
  RATE_LIMITED: "Too many attempts; extensions.retryAfter gives the seconds to wait (HTTP 429 with Retry-After).",
  ACCOUNT_SUSPENDED: "logIn with the right password to an account an admin suspended.",
  PERSISTED_QUERY_NOT_FOUND:
    "The request named a trusted document (documentId or extensions.persistedQuery.sha256Hash) that the server's manifest does not have (HTTP 404). Regenerate the client, or send the document where the server allows it.",
  PERSISTED_QUERY_ONLY: "The server runs trusted documents only (TRUSTED_DOCUMENTS=only) and the request sent a document as text (HTTP 403).",
  INSUFFICIENT_CREDITS: "sendCredits for more credits than the viewer's balance (extensions.field: input.amount).",
  IDEMPOTENCY_KEY_REUSED: "An Idempotency-Key this user already used for a different request (HTTP 422).",
  DATABASE_UNAVAILABLE: "The database cannot be reached (HTTP 503 with Retry-After); retry later.",
  DATABASE_BUSY: "Every database connection stayed busy, or a write kept conflicting after retries (HTTP 503); retry later. The mutation did not commit.",
  DATABASE_TIMEOUT: "A statement ran past its time limit, or the database stopped answering (HTTP 503); retry later.",
  DATABASE_NOT_MIGRATED:
    "The database lacks migrations this server needs (HTTP 503 with Retry-After): a deployment is under way, or its `npm run db:migrate` step was skipped. Nothing ran; retry later.",
  TOO_MANY_SUBSCRIPTIONS:
    "The viewer (or, signed out, the client's address) already has as many subscriptions open on this instance as allowed, or the instance serves as many as it may (HTTP 429); close one, or retry later.",
  SHUTTING_DOWN:
    "The server was shutting down while the request ran (HTTP 503), or it ended a subscription for that reason (its last event); retry on another instance. A subscription that takes `after` resumes from its last cursor without a gap.",
  INTERNAL_SERVER_ERROR: "Anything unexpected: the message is \"Unexpected error.\", and extensions.requestId finds the full error in the server's log.",
} as const;

/**
 * Why a request was refused before it ran: the `extensions.reason` of its
 * BAD_USER_INPUT, each declared here once. statusOfRefusal gives the
 * document reasons GraphQL over HTTP's status, and the malformed-request
 * ones (MALFORMED_REQUEST_REASONS) a 4xx for every client.
 */
export const REFUSAL_REASONS = {
  BAD_REQUEST: "not GraphQL over HTTP: a body that is not JSON, a batch, a query or operationName that is not a string, a GET parameter that is not a JSON object, a Content-Length that is not a number, a method other than GET and POST",
  UNSUPPORTED_MEDIA_TYPE: "a body that is not JSON (HTTP 415)",
  REQUEST_ENTITY_TOO_LARGE: "a body over the limit (HTTP 413)",
  NOT_ACCEPTABLE: "@defer or @stream from a client that accepts only whole answers (HTTP 406)",
  GRAPHQL_PARSE_FAILED: "a syntax error",
  GRAPHQL_VALIDATION_FAILED: "a document the schema does not allow",
  OPERATION_RESOLUTION_FAILURE: "no operation by that name, or several and no name",
  TOKEN_LIMIT: "too many tokens",
  DEPTH_LIMIT: "too deep",
  ALIAS_LIMIT: "too many aliases",
  DIRECTIVE_LIMIT: "too many directives",
  COST_LIMIT: "too costly",
  VALIDATION_LIMIT: "too much work to validate: fields of one name repeated, or fragments spread, too many times",
} as const;
export type RefusalReason = keyof typeof REFUSAL_REASONS;

/** The extensions of a refused request: BAD_USER_INPUT with its reason, the argument at fault, and its HTTP status where it has one of its own. */
export function refusal(reason: RefusalReason, { field, status }: { field?: string; status?: number } = {}): Record<string, unknown> {
  return { code: "BAD_USER_INPUT" satisfies ErrorCode, reason, ...(field ? { field } : {}), ...(status ? { http: { status } } : {}) };
}

export const ERROR_CODES = Object.keys(ERROR_CODE_DESCRIPTIONS) as (keyof typeof ERROR_CODE_DESCRIPTIONS)[];
export type ErrorCode = keyof typeof ERROR_CODE_DESCRIPTIONS;

/** Codes of failures on the server's side: their errors carry the request id, so a client can quote it and an operator find the log line. */
const SERVER_SIDE_CODES: ReadonlySet<string> = new Set<ErrorCode>(["INTERNAL_SERVER_ERROR", "DATABASE_UNAVAILABLE", "DATABASE_BUSY", "DATABASE_TIMEOUT"]);

/** Stamps the request id on an answered error that was the server's fault. */
export function stampRequestId(error: GraphQLError, requestId: string): void {
  if (SERVER_SIDE_CODES.has(String(error.extensions?.code))) (error.extensions as Record<string, unknown>).requestId = requestId;
}

const reported = new WeakSet<object>();

/**
 * Logs an error an operation answered, once, through the request's logger
 * (which stamps the request id), before masking hides it from the client:
 * an unexpected error in full at error, a database fault (answered as
 * DATABASE_*) at warn with its cause; an expected error is the client's
 * business and is not logged.
 */
export function reportError(log: Logger, error: GraphQLError): void {
  const expected = expectedError(error);
  if (expected && !expected.extensions.code.startsWith("DATABASE_")) return;
  const original = error.originalError ?? error;
  reported.add(original);
  const path = error.path?.join(".");
  if (expected) log.warn("database fault", { code: expected.extensions.code, path, error: original });
  else log.error("unexpected error", { path, error: original });
}

/** Whether reportError logged the error already, so a library's own report of it can be quieter. */
export function wasReported(error: unknown): boolean {
  const original = error instanceof Error && "originalError" in error ? (error as GraphQLError).originalError : undefined;
  return (typeof error === "object" && error !== null && reported.has(error)) || (original != null && reported.has(original));
}

export class AppError extends GraphQLError {
  constructor(code: Exclude<ErrorCode, "INTERNAL_SERVER_ERROR">, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.name = "AppError";
  }
}

/** The input is invalid; `field` names the offending argument or input field. */
export class BadUserInputError extends AppError {
  constructor(message: string, field: string) {
    super("BAD_USER_INPUT", message, { field });
  }
}

/** The operation needs a signed-in viewer, or the credentials are wrong. */
export class UnauthenticatedError extends AppError {
  constructor(message = "You must be signed in to do this.") {
    super("UNAUTHENTICATED", message);
  }
}

/** The viewer is known but may not do this. */
export class ForbiddenError extends AppError {
  constructor(message = "You are not allowed to do this.") {
    super("FORBIDDEN", message);
  }
}

/** The thing does not exist, or the viewer may not know that it does. */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} was not found.`);
  }
}

/** The write collides with existing data, like a taken handle. */
export class ConflictError extends AppError {
  constructor(message: string, field?: string) {
    super("CONFLICT", message, field ? { field } : {});
  }
}

/** The credentials are right, but an admin suspended the account (suspendUsers). */
export class AccountSuspendedError extends AppError {
  constructor() {
    super("ACCOUNT_SUSPENDED", "This account is suspended.");
  }
}

/**
 * A database fault this process finds before it sends a statement (work
 * it will not queue any deeper): answered as the fault itself would be,
 * with its code, HTTP 503 and Retry-After.
 */
export class DatabaseFaultError extends AppError {
  constructor(fault: DatabaseFault) {
    super(fault, DATABASE_FAULTS[fault], { http: { status: 503, headers: { "Retry-After": "1" } } });
  }
}

/** Too many attempts from this address or at this account; retry after `retryAfterSeconds` (HTTP 429). */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, what = "attempts") {
    super("RATE_LIMITED", `Too many ${what}; try again in ${retryAfterSeconds} s.`, {
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
    });
  }
}

/** Too many subscriptions open for this viewer or on this instance (HTTP 429). */
export class TooManySubscriptionsError extends AppError {
  constructor(limit: number, whose: "viewer" | "instance") {
    super(
      "TOO_MANY_SUBSCRIPTIONS",
      whose === "viewer" ? `You have ${limit} subscriptions open, as many as allowed; close one first.` : "This server has as many subscriptions open as it serves; try again later.",
      { http: { status: 429, headers: { "Retry-After": "5" } } },
    );
  }
}

/** The last event of a subscription the server ends because it is shutting down. */
export class ShuttingDownError extends AppError {
  constructor() {
    super("SHUTTING_DOWN", "The server is shutting down; subscribe again.");
  }
}

/** The sender has fewer credits than the amount. */
export class InsufficientCreditsError extends AppError {
  constructor(balance: number, amount: number) {
    super("INSUFFICIENT_CREDITS", `You have ${balance} credits; this needs ${amount}.`, { field: "input.amount" });
  }
}

/** The Idempotency-Key was used before, by this user, for a different request. */
export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for a different request.", {
      field: "Idempotency-Key",
      http: { status: 422 },
    });
  }
}

/** The database is missing migrations this server needs: every GraphQL request is refused until they are applied (src/plugins/migration-gate.ts). */
export class DatabaseNotMigratedError extends AppError {
  constructor() {
    super("DATABASE_NOT_MIGRATED", "The database is not migrated for this version of the server; try again shortly.", {
      http: { status: 503, headers: { "Retry-After": "5" } },
    });
  }
}

/** What a client may be told about an error: its message and extensions. */
export interface ClientErrorShape {
  message: string;
  extensions: { code: ErrorCode } & Record<string, unknown>;
}

/** Requests that are not GraphQL over HTTP at all (a body that is not JSON, a malformed parameter): 4xx for every client. */
const MALFORMED_REQUEST_REASONS: ReadonlySet<string> = new Set<RefusalReason>(["BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE", "REQUEST_ENTITY_TOO_LARGE", "NOT_ACCEPTABLE"]);

/**
 * The HTTP status of an answer refused before execution (it has no
 * `data`), as GraphQL over HTTP asks: a well-formed request whose document
 * is refused (syntax, validation, query limits, operation name, variables)
 * is a 400 for a client that accepts application/graphql-response+json and
 * a 200 for one that accepts only application/json (Yoga's `spec` flag); a
 * request that is not GraphQL over HTTP at all stays a 400 for both; an
 * error with a status of its own (404, 413, 415, 503, …) keeps it.
 */
export function statusOfRefusal(error: GraphQLError): void {
  const extensions = error.extensions as Record<string, unknown>;
  const http = (extensions.http ?? {}) as { status?: number; spec?: boolean; headers?: Record<string, string> };
  if (http.status !== undefined && http.status !== 400) return;
  const malformed = MALFORMED_REQUEST_REASONS.has(String(extensions.reason));
  extensions.http = { ...http, status: 400, spec: !malformed };
}

/** The extension keys a client may see; anything else a library attached (an original error, say) stays inside. */
const PUBLIC_EXTENSIONS = ["code", "reason", "field", "retryAfter", "http"] as const;

function publicExtensions(extensions: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of PUBLIC_EXTENSIONS) if (extensions[key] !== undefined) kept[key] = extensions[key];
  // Yoga marks some request errors `spec`, which turns their 400 into a 200
  // for `Accept: application/json`, an unreadable body among them; which
  // refusals get it is decided once, by statusOfRefusal.
  if (kept.http && typeof kept.http === "object") {
    const { spec: _spec, ...http } = kept.http as Record<string, unknown>;
    kept.http = http;
  }
  return kept;
}

/**
 * The database faults a client can do nothing about but retry, each with
 * its own code, HTTP 503 and Retry-After: it does not answer or cannot be
 * reached (DATABASE_UNAVAILABLE), every pooled connection is busy
 * (DATABASE_BUSY), or a statement ran past its time (DATABASE_TIMEOUT).
 */
const DATABASE_FAULTS = {
  DATABASE_UNAVAILABLE: "The database is not available; try again shortly.",
  DATABASE_BUSY: "The database is busy; try again shortly.",
  DATABASE_TIMEOUT: "The database took too long to answer; try again shortly.",
} as const;
type DatabaseFault = keyof typeof DATABASE_FAULTS;

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "57P01", "57P02", "57P03", "P1001", "P1002", "P1017"]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "DatabaseDoesNotExist"]);

/** Which fault, if any, an error is, looking through the causes Prisma and pg wrap errors in. */
export function databaseFault(error: unknown, depth = 0): DatabaseFault | null {
  if (!error || typeof error !== "object" || depth > 6) return null;
  const { code, kind, message, cause, originalError, meta } = error as {
    code?: unknown;
    kind?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  const text = typeof message === "string" ? message : "";
  // A statement cancelled by statement_timeout, one pg gave up waiting for, or a unit of work past its own timeout (Prisma's P2028 and ours).
  if (code === "57014" || /Query read timeout|statement timeout|Transaction already closed.*timeout|on an expired transaction/i.test(text)) return "DATABASE_TIMEOUT";
  // A serialization failure or deadlock the unit of work's retries did not get past.
  if (code === "P2034" || code === "40001" || code === "40P01" || kind === "TransactionWriteConflict") return "DATABASE_BUSY";
  if (code === "P2024" || /timeout exceeded when trying to connect|Unable to start a transaction in the given time|Timed out fetching a new connection/i.test(text)) {
    return "DATABASE_BUSY";
  }
  if ((typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) || (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind))) {
    return "DATABASE_UNAVAILABLE";
  }
  if (/Connection terminated|Can't reach database server|connect ECONNREFUSED|Client has encountered a connection error|PGlite is closed|Cannot use a pool after calling end/i.test(text)) {
    return "DATABASE_UNAVAILABLE";
  }
  for (const inner of [cause, originalError, meta?.driverAdapterError]) {
    const fault = inner !== error ? databaseFault(inner, depth + 1) : null;
    if (fault) return fault;
  }
  return null;
}

/**
 * Classifies an error thrown anywhere below a resolver: our own errors pass
 * through, library validation errors and the Prisma errors we expect are
 * translated, and everything else is `null`: unexpected, to be masked and
 * logged by the caller.
 */
export function expectedError(error: unknown): ClientErrorShape | null {
  if (error instanceof AppError) {
    return { message: error.message, extensions: error.extensions as ClientErrorShape["extensions"] };
  }
  const fault = databaseFault(error);
  if (fault) return expectedError(new DatabaseFaultError(fault));
  if (error instanceof PothosValidationError) {
    // Pothos names the argument in its message ('Argument "first" must be ...').
    const field = error.message.match(/^Arguments? "(\w+)"/)?.[1];
    return { message: error.message, extensions: { code: "BAD_USER_INPUT", ...(field ? { field } : {}) } };
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") {
      const field = uniqueViolationField(error);
      const message = field ? `That ${field} is already taken.` : "That value is already taken.";
      return { message, extensions: { code: "CONFLICT", ...(field ? { field } : {}) } };
    }
    if (error.code === "P2025") return { message: "The record was not found.", extensions: { code: "NOT_FOUND" } };
  }
  if (error instanceof GraphQLError) {
    if (error.originalError && error.originalError !== error) return expectedError(error.originalError);
    // Raised by GraphQL itself or by the server before execution (syntax,
    // validation, variable coercion, query limits): the request is at fault.
    const extensions = publicExtensions(error.extensions ?? {});
    const code = error.extensions?.code;
    if (typeof code === "string" && (ERROR_CODES as readonly string[]).includes(code)) {
      return { message: error.message, extensions: { ...extensions, code: code as ErrorCode } };
    }
    // Keep Yoga's `http` hints (400, 405 with Allow) so the HTTP status stays right.
    const reason = extensions.reason ?? code;
    return { message: error.message, extensions: { ...extensions, code: "BAD_USER_INPUT", ...(reason ? { reason } : {}) } };
  }
  return null;
}

/** Yoga's `maskError`: expected errors keep their message and code at their path; the rest say only `message`. */
export function maskError(error: unknown, message: string): Error {
  const located = error instanceof GraphQLError ? error : null;
  const shape = expectedError(error) ?? { message, extensions: { code: "INTERNAL_SERVER_ERROR" as const } };
  return new GraphQLError(shape.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions: shape.extensions,
  });
}

/**
 * An error without graphql-js's "Did you mean …?" hints: for field,
 * argument, type and enum value names alike. They help a developer and map
 * the schema for anyone else, so they go wherever introspection goes.
 */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/\s*Did you mean [^?]*\?/g, "");
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/**
 * With driver adapters Prisma's P2002 has no `meta.target`; the constraint
 * is in the adapter's cause, shaped per adapter: pg names the index
 * (`users_handle_key`), PGlite lists the fields.
 */
function uniqueViolationField(error: Prisma.PrismaClientKnownRequestError): string | undefined {
  const meta = error.meta as
    | { target?: string[]; driverAdapterError?: { cause?: { constraint?: { index?: string; fields?: string[] } } } }
    | undefined;
  const constraint = meta?.driverAdapterError?.cause?.constraint;
  const field = meta?.target?.[0] ?? constraint?.fields?.[0] ?? constraint?.index?.match(/^[a-z]+_(.+)_key$/)?.[1];
  return field?.replace(/"/g, "");
}
