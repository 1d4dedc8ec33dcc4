import { Prisma } from "../../db/generated/prisma/client.js";
import { sortKey } from "../../paging/keyset.js";
import type { PageSource } from "../../paging/page-query.js";
import { visibleTagSql } from "./visibility.js";

const NAME_ASC = [sortKey(Prisma.raw('"x"."name"'), "asc", "text")] as const;

/** Tags the viewer can see, by name (unique, so the name alone orders them; tags_name_key serves it). */
export const visibleTags: PageSource = {
  model: "Tag",
  scope: () => "Query.tags",
  order: () => NAME_ASC,
  branches: ({ viewer }) => [{ from: Prisma.sql`"tags" AS "x"`, where: [visibleTagSql(viewer, "x")] }],
};
