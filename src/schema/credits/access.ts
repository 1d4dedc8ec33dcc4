import type { Context } from "../../context.js";

/** Whether the viewer may see the credits of `userId`: their own, or anyone's, for an admin. */
export function canSeeAccountOf(ctx: Context, userId: number | null): boolean {
  return ctx.viewer !== null && (ctx.viewer.role === "ADMIN" || ctx.viewer.id === userId);
}
