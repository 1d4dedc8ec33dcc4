import DataLoader from "dataloader";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { LoaderOptions } from "../../loader-options.js";
import { visiblePosts } from "./access.js";

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
