import { builder } from "../../builder.js";
import { rootListResolver } from "../../paging/paged-connection.js";
import { PAGING_RULES } from "../../paging/window.js";
import { visibleTags } from "./lists.js";
import { normalizeTagName } from "./service.js";
import { Tag, TagConnection } from "./types.js";
import { tagVisibility } from "./visibility.js";

builder.queryFields((t) => ({
  tag: t.prismaField({
    type: "Tag",
    nullable: true,
    description: "A tag by name (any case), if it is on a post the viewer can see.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.tag.findFirst({ ...query, where: { name: normalizeTagName(args.name), AND: [tagVisibility(ctx.viewer)] } }),
  }),
  tags: t.connection({
    type: Tag,
    description: `Tags on posts the viewer can see, by name. ${PAGING_RULES}`,
    resolve: rootListResolver(visibleTags, "Tag"),
  }, TagConnection),
}));
