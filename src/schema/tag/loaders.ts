import DataLoader from "dataloader";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { LoaderOptions } from "../../loader-options.js";
import { tagVisibility } from "./access.js";

/** Whether the viewer may see each tag: one statement for every tag asked about. */
export function createVisibleTagLoader(db: Db, viewer: Viewer | null, options: LoaderOptions) {
  return new DataLoader<number, boolean>(async (tagIds) => {
    const rows = await db.tag.findMany({ where: { id: { in: [...tagIds] }, AND: [tagVisibility(viewer)] }, select: { id: true } });
    const visible = new Set(rows.map((row) => row.id));
    return tagIds.map((id) => visible.has(id));
  }, options);
}
