import type { Viewer } from "../../auth/tokens.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../db/sql/model.js";

/**
 * A tag is visible when it is on a post the viewer can see: on a published
 * post, on one of the viewer's own drafts, or to admins. A tag used only on
 * someone else's drafts answers exactly like a tag that does not exist.
 */
export function tagVisibility(viewer: Viewer | null): Prisma.TagWhereInput {
  if (viewer?.role === "ADMIN") return {};
  const published: Prisma.PostTagWhereInput = { publishedAt: { not: null } };
  return {
    postLinks: { some: viewer ? { OR: [published, { post: { authorId: viewer.id } }] } : published },
  };
}

/** `tagVisibility` as a SQL condition on the tags row aliased `alias`. */
export function visibleTagSql(viewer: Viewer | null, alias: string): Prisma.Sql {
  if (viewer?.role === "ADMIN") return Prisma.sql`TRUE`;
  const id = columnRef(alias, "id");
  const published = Prisma.sql`EXISTS (SELECT 1 FROM "post_tags" AS "l" WHERE "l"."tag_id" = ${id} AND "l"."published_at" IS NOT NULL)`;
  if (!viewer) return published;
  const own = Prisma.sql`EXISTS (SELECT 1 FROM "post_tags" AS "l" JOIN "posts" AS "q" ON "q"."id" = "l"."post_id"
    WHERE "l"."tag_id" = ${id} AND "q"."author_id" = ${viewer.id})`;
  return Prisma.sql`(${published} OR ${own})`;
}
