import type { AttemptLimits } from "../../auth/attempt-limits.js";
import { recordAuditEvent } from "../../audit/record-audit-event.js";
import { decoyPasswordHash, hashPassword, verifyPassword } from "../../auth/passwords.js";
import type { TokenService } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import { AccountSuspendedError, BadUserInputError, ConflictError, UnauthenticatedError } from "../../errors.js";
import { emailAddress, handleAsStored, TEXT_LIMITS } from "../text.js";
import { validName } from "../user/service.js";

export interface SignUpInput {
  email: string;
  password: string;
  handle: string;
  name: string;
}

export interface LogInInput {
  email: string;
  password: string;
}

export interface AuthResult {
  token: string;
  userId: number;
}

/** What signing up and logging in need besides the unit of work. */
export interface AuthDeps {
  tokens: TokenService;
  attempts: AttemptLimits;
  /** The client's address, for attempt limits. */
  address: string;
  /** What the credential check reads with (OpenMutationWork.reader): outside the unit of work until it has begun. */
  reader: Db;
}

const HANDLE = new RegExp(`^[a-z0-9_]{3,${TEXT_LIMITS.handle}}$`);
const MIN_PASSWORD = 8;
const MAX_PASSWORD = TEXT_LIMITS.password;

/**
 * Creates an account. The password is hashed before the first statement,
 * so the operation's transaction opens only for the writes; and it is
 * hashed before the taken-check, so a taken email costs the same time as a
 * free one. A taken email is still CONFLICT: Inkwell has no mail channel to
 * tell the owner instead, so the defence against listing accounts is the
 * attempt limit per address (see the README's Authentication section).
 */
export async function signUp(db: Db, deps: AuthDeps, input: SignUpInput): Promise<AuthResult> {
  const email = emailAddress(input.email);
  if (email === null) throw new BadUserInputError("That is not an email address.", "input.email");
  const handle = handleAsStored(input.handle);
  if (!HANDLE.test(handle)) {
    throw new BadUserInputError(`A handle is 3 to ${TEXT_LIMITS.handle} lower-case letters, digits or underscores.`, "input.handle");
  }
  if (input.password.length < MIN_PASSWORD || input.password.length > MAX_PASSWORD) {
    throw new BadUserInputError(`A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`, "input.password");
  }
  const name = validName(input.name, "input.name");
  await deps.attempts.signUp(deps.address);
  const passwordHash = await hashPassword(input.password);

  // Checked first for a precise message; the unique indexes still decide a race (P2002 -> CONFLICT).
  const taken = await db.user.findFirst({ where: { OR: [{ email }, { handle }] }, select: { email: true, handle: true } });
  if (taken?.handle === handle) throw new ConflictError("That handle is already taken.", "input.handle");
  if (taken) throw new ConflictError("An account with that email already exists.", "input.email");

  const user = await db.user.create({ data: { email, handle, name, passwordHash }, select: { id: true } });
  await recordAuditEvent(db, { actorId: user.id, action: "user.signUp", entityType: "User", entityId: user.id });
  return { token: await deps.tokens.issue(user.id), userId: user.id };
}

/**
 * Checks the credentials before the unit of work opens (the read goes
 * through `deps.reader`, outside it unless an earlier field began it), so a
 * burst of log-ins never holds connections idle in transaction while
 * passwords are verified; only the audit event is written in the unit of work.
 */
export async function logIn(db: Db, deps: AuthDeps, input: LogInInput): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  await deps.attempts.logIn(deps.address, email);
  const user = await deps.reader.user.findUnique({ where: { email }, select: { id: true, passwordHash: true, suspendedAt: true } });
  // Verify against a decoy when the email is unknown, so both failures take as long.
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !valid) throw new UnauthenticatedError("Wrong email or password.");
  // Said only to whoever knows the password: to anyone else a suspended account answers as any wrong password does.
  if (user.suspendedAt) throw new AccountSuspendedError();
  await recordAuditEvent(db, { actorId: user.id, action: "user.logIn", entityType: "User", entityId: user.id });
  return { token: await deps.tokens.issue(user.id), userId: user.id };
}
