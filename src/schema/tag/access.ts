import type { Viewer } from "../../auth/tokens.js";
import { Prisma } from "../../db/generated/prisma/client.js";
import { columnRef } from "../../read/model.js";
import { postVisibility } from "../post/access.js";

/**
 * The tag domain's access rule, written once: a tag is visible when it is
 * on a post the viewer can see (the post domain's `postVisibility`). A tag
 * used only on someone else's drafts answers exactly like a tag that does
 * not exist. Both forms below follow the same decision, and
 * test/post/access.test.ts proves they pick the same tags.
 */
export function tagVisibility(viewer: Viewer | null): Prisma.TagWhereInput {
  const rule = postVisibility(viewer);
  // post_tags.published_at is set exactly while the post is published (a trigger keeps it).
  const published: Prisma.PostTagWhereInput = { publishedAt: { not: null } };
  switch (rule.sees) {
    case "every post":
      return {};
    case "published posts":
      return { postLinks: { some: published } };
    case "published posts and their own":
      return { postLinks: { some: { OR: [published, { post: { authorId: rule.authorId } }] } } };
  }
}

/** `tagVisibility` as a SQL condition on the tags row aliased `alias`. */
export function visibleTagSql(viewer: Viewer | null, alias: string): Prisma.Sql {
  const rule = postVisibility(viewer);
  const id = columnRef(alias, "id");
  const published = Prisma.sql`EXISTS (SELECT 1 FROM "post_tags" AS "l" WHERE "l"."tag_id" = ${id} AND "l"."published_at" IS NOT NULL)`;
  switch (rule.sees) {
    case "every post":
      return Prisma.sql`TRUE`;
    case "published posts":
      return published;
    case "published posts and their own": {
      const own = Prisma.sql`EXISTS (SELECT 1 FROM "post_tags" AS "l" JOIN "posts" AS "q" ON "q"."id" = "l"."post_id"
        WHERE "l"."tag_id" = ${id} AND "q"."author_id" = ${rule.authorId})`;
      return Prisma.sql`(${published} OR ${own})`;
    }
  }
}
