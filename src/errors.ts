import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { Prisma } from "./db/generated/prisma/client.js";

/**
 * The few errors a client may see, each with a stable `extensions.code`.
 * Anything else is an unexpected error: masked for the client as
 * INTERNAL_SERVER_ERROR and logged with the request id.
 */
export const ERROR_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

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

/** Too many attempts from this address or at this account; retry after `retryAfterSeconds` (HTTP 429). */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super("RATE_LIMITED", `Too many attempts; try again in ${retryAfterSeconds} s.`, {
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
    });
  }
}

/** What a client may be told about an error: its message and extensions. */
export interface ClientErrorShape {
  message: string;
  extensions: { code: ErrorCode } & Record<string, unknown>;
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
    const code = error.extensions?.code;
    if (typeof code === "string" && (ERROR_CODES as readonly string[]).includes(code)) {
      return { message: error.message, extensions: { ...error.extensions, code: code as ErrorCode } };
    }
    // Keep Yoga's `http` hints (400, 405 with Allow) so the HTTP status stays right.
    return { message: error.message, extensions: { ...error.extensions, code: "BAD_USER_INPUT", ...(code ? { reason: code } : {}) } };
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
