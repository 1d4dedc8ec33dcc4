import type { Viewer } from "../../auth/tokens.js";

/**
 * The credits domain's access rule, written once: money is private. An
 * account, its ledger and its transfers are seen by the account's owner and
 * by admins only.
 */
export function canSeeAccountOf(viewer: Viewer | null, userId: number | null): boolean {
  return viewer !== null && (viewer.role === "ADMIN" || viewer.id === userId);
}
