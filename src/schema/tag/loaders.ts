import DataLoader from "dataloader";
import type { Viewer } from "../../auth/tokens.js";
import type { Db } from "../../db/client.js";
import type { LoaderOptions } from "../../loader-options.js";
import { tagVisibility } from "./access.js";

/** Published posts per tag, for `Tag.postCount`: one statement for every tag in the response. */
export function createPostCountByTagLoader(db: Db, options: LoaderOptions) {
  return new DataLoader<number, number>(async (tagIds) => {
    const rows = await db.postTag.groupBy({
      by: ["tagId"],
      where: { tagId: { in: [...tagIds] }, publishedAt: { not: null } },
      _count: { _all: true },
    });
    const counts = new Map(rows.map((row) => [row.tagId, row._count._all]));
    return tagIds.map((id) => counts.get(id) ?? 0);
  }, options);
}

/** Whether the viewer may see each tag: one statement for every tag asked about. */
export function createVisibleTagLoader(db: Db, viewer: Viewer | null, options: LoaderOptions) {
  return new DataLoader<number, boolean>(async (tagIds) => {
    const rows = await db.tag.findMany({ where: { id: { in: [...tagIds] }, AND: [tagVisibility(viewer)] }, select: { id: true } });
    const visible = new Set(rows.map((row) => row.id));
    return tagIds.map((id) => visible.has(id));
  }, options);
}
