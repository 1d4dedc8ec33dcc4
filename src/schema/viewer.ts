import type { Viewer } from "../auth/tokens.js";
import type { Context } from "../context.js";
import { UnauthenticatedError } from "../errors.js";

/** The signed-in viewer. Fields that call this are behind the `signedIn` scope (every mutation, by the Mutation type's scope); this narrows the type. */
export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}
