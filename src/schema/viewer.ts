import type { Viewer } from "../auth/tokens.js";
import type { Context } from "../context.js";
import { UnauthenticatedError } from "../errors.js";

/** The signed-in viewer. Fields that call this also declare `authScopes: { signedIn: true }`; this narrows the type. */
export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}
