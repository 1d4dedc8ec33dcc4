import { Prisma } from "../../db/generated/prisma/client.js";
import { sortKey } from "../../read/keyset.js";
import type { RowSource } from "../../read/lookup.js";
import type { PageSource } from "../../read/page-query.js";
import { normalizeTagName } from "./service.js";
import { visibleTagSql } from "./access.js";

const NAME_ASC = [sortKey(Prisma.raw('"x"."name"'), "asc", "text")] as const;

/** Tags the viewer can see, by name (unique, so the name alone orders them; tags_name_key serves it). */
export const visibleTags: PageSource = {
  model: "Tag",
  scope: () => "Query.tags",
  order: () => NAME_ASC,
  branches: ({ viewer }) => [{ from: Prisma.sql`"tags" AS "x"`, where: [visibleTagSql(viewer, "x")] }],
};

/** A tag the viewer can see, by name in any case (tags_name_key). */
export const tagByName: RowSource<{ name: string }> = {
  model: "Tag",
  find: ({ viewer, args }) => ({
    from: Prisma.sql`"tags" AS "x"`,
    where: [Prisma.sql`"x"."name" = ${normalizeTagName(args.name)}`, visibleTagSql(viewer, "x")],
  }),
};
