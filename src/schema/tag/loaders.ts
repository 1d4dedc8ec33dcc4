import DataLoader from "dataloader";
import type { Db } from "../../db/client.js";
import type { LoaderOptions } from "../../loaders.js";

/** Published posts per tag, for `Tag.postCount`: one statement for every tag in the response. */
export function createPostCountByTagLoader(db: Db, options: LoaderOptions) {
  return new DataLoader<number, number>(async (tagIds) => {
    const rows = await db.tag.findMany({
      where: { id: { in: [...tagIds] } },
      select: { id: true, _count: { select: { posts: { where: { status: "PUBLISHED" } } } } },
    });
    const counts = new Map(rows.map((row) => [row.id, row._count.posts]));
    return tagIds.map((id) => counts.get(id) ?? 0);
  }, options);
}
