import type { Viewer } from "../../auth/tokens.js";
import type { UnitOfWork } from "../../db/unit-of-work.js";

/**
 * The user domain's access rules, each written once. Accounts are public
 * (handle, name, profile); their email is their owner's only, and whether
 * they are suspended is for admins.
 */

/**
 * Whether `userId` is the requester's own account: the viewer's, or the one
 * this operation signed in to (signUp and logIn answer before the request
 * has a viewer, and their payload is the client's own account).
 */
export function isOwnAccount(request: { viewer: Viewer | null; unitOfWork?: UnitOfWork }, userId: number): boolean {
  return request.viewer?.id === userId || request.unitOfWork?.signedInAccountId === userId;
}

/** Admins see which accounts are suspended; to everyone else a suspended account looks like any other. */
export function canSeeSuspensions(viewer: Viewer | null): boolean {
  return viewer?.role === "ADMIN";
}
