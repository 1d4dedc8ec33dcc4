import { builder } from "../../builder.js";
import { rootListResolver } from "../../read/lists.js";
import { PAGING_RULES } from "../../read/window.js";
import { lookupResolver } from "../../read/lookup.js";
import { TEXT_LIMITS } from "../text.js";
import { tagByName, visibleTags } from "./lists.js";
import { Tag, TagConnection } from "./types.js";

builder.queryFields((t) => ({
  tag: t.field({
    type: Tag,
    nullable: true,
    description: "A tag by name (any case), if it is on a post the viewer can see.",
    args: { name: t.arg.string({ required: true, extensions: { maxLength: TEXT_LIMITS.tag } }) },
    resolve: lookupResolver(tagByName, Tag),
  }),
  tags: t.connection({
    type: Tag,
    description: `Tags on posts the viewer can see, by name. ${PAGING_RULES}`,
    resolve: rootListResolver(visibleTags, Tag),
  }, TagConnection),
}));
