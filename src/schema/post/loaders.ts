import DataLoader from "dataloader";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { LoaderOptions } from "../../loader-options.js";
import { visiblePosts } from "./access.js";

/**
 * Visible posts per author, for `User.postCount`: one GROUP BY for every
 * user in the response, whatever their number. Counts follow the viewer's
 * visibility, so a count never reveals someone else's drafts.
 */
export function createPostCountByAuthorLoader(db: Db, viewer: Viewer | null, options: LoaderOptions) {
  return new DataLoader<number, number>(async (authorIds) => {
    const rows = await db.post.groupBy({
      by: ["authorId"],
      where: { AND: [{ authorId: { in: [...authorIds] } }, visiblePosts(viewer)] },
      _count: { _all: true },
    });
    const counts = new Map(rows.map((row) => [row.authorId, row._count._all]));
    return authorIds.map((id) => counts.get(id) ?? 0);
  }, options);
}

/** Whether the viewer may see each post: one statement for every post asked about. */
export function createVisiblePostLoader(db: Db, viewer: Viewer | null, options: LoaderOptions) {
  return new DataLoader<number, boolean>(async (postIds) => {
    const rows = await db.post.findMany({
      where: { AND: [{ id: { in: [...postIds] } }, visiblePosts(viewer)] },
      select: { id: true },
    });
    const visible = new Set(rows.map((row) => row.id));
    return postIds.map((id) => visible.has(id));
  }, options);
}
