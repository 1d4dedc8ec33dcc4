import type { Context } from "../context.js";
import { canSeeAccountOf } from "./credits/access.js";
import { isPostVisible } from "./post/access.js";

/**
 * `node` and `nodes` load rows by primary key only, so Prisma can batch
 * them into one statement per type; what the viewer may see is decided
 * afterwards, here, with the same rule every list uses. A hidden node is
 * null: someone else's draft, or a tag only on drafts, is "not there", not
 * "forbidden".
 */
type Row = Record<string, unknown>;

const visibilityRules: Record<string, (row: Row, ctx: Context) => boolean | Promise<boolean>> = {
  Post: (post, ctx) => isPostVisible(ctx.viewer, post as { status: string; authorId: number }),
  Comment: (comment, ctx) => ctx.loaders.visiblePost.load(comment.postId as number),
  Tag: (tag, ctx) => ctx.loaders.visibleTag.load(tag.id as number),
  // Money is private: the parties (or an admin) only.
  Transfer: (transfer, ctx) =>
    canSeeAccountOf(ctx.viewer, (transfer.from as { userId: number | null }).userId) ||
    canSeeAccountOf(ctx.viewer, (transfer.to as { userId: number | null }).userId),
  LedgerEntry: (entry, ctx) => canSeeAccountOf(ctx.viewer, (entry.account as { userId: number | null }).userId),
};

export async function visibleNode(typename: string, row: unknown, ctx: Context): Promise<unknown> {
  if (row == null) return null;
  const rule = visibilityRules[typename];
  return !rule || (await rule(row as Row, ctx)) ? row : null;
}
