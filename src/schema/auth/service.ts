import { recordAuditEvent } from "../../audit/record-audit-event.js";
import { decoyPasswordHash, hashPassword, verifyPassword } from "../../auth/passwords.js";
import type { TokenService } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import { BadUserInputError, ConflictError, UnauthenticatedError } from "../../errors.js";
import { TEXT_LIMITS } from "../text.js";
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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HANDLE = new RegExp(`^[a-z0-9_]{3,${TEXT_LIMITS.handle}}$`);
const MIN_PASSWORD = 8;
const MAX_PASSWORD = TEXT_LIMITS.password;

export async function signUp(db: Db, tokens: TokenService, input: SignUpInput): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > TEXT_LIMITS.email) throw new BadUserInputError("That is not an email address.", "input.email");
  const handle = input.handle.trim().toLowerCase();
  if (!HANDLE.test(handle)) {
    throw new BadUserInputError("A handle is 3 to 30 lower-case letters, digits or underscores.", "input.handle");
  }
  if (input.password.length < MIN_PASSWORD || input.password.length > MAX_PASSWORD) {
    throw new BadUserInputError(`A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`, "input.password");
  }
  const name = validName(input.name, "input.name");

  // Checked first for a precise message; the unique indexes still decide a race (P2002 -> CONFLICT).
  const taken = await db.user.findFirst({ where: { OR: [{ email }, { handle }] }, select: { email: true, handle: true } });
  if (taken?.handle === handle) throw new ConflictError("That handle is already taken.", "input.handle");
  if (taken) throw new ConflictError("An account with that email already exists.", "input.email");

  const user = await db.user.create({
    data: { email, handle, name, passwordHash: await hashPassword(input.password) },
    select: { id: true, role: true },
  });
  await recordAuditEvent(db, { actorId: user.id, action: "user.signUp", entityType: "User", entityId: user.id });
  return { token: await tokens.issue(user), userId: user.id };
}

export async function logIn(db: Db, tokens: TokenService, input: LogInInput): Promise<AuthResult> {
  const email = input.email.trim().toLowerCase();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, role: true, passwordHash: true } });
  // Verify against a decoy when the email is unknown, so both failures take as long.
  const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !valid) throw new UnauthenticatedError("Wrong email or password.");
  await recordAuditEvent(db, { actorId: user.id, action: "user.logIn", entityType: "User", entityId: user.id });
  return { token: await tokens.issue(user), userId: user.id };
}
