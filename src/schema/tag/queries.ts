import { builder } from "../../builder.js";
import { pageSizeFor } from "../../paging.js";
import { TagConnection } from "./types.js";

builder.queryFields((t) => ({
  tags: t.prismaConnection({
    type: "Tag",
    cursor: "id",
    maxSize: pageSizeFor,
    description: "All tags, by name.",
    resolve: (query, _root, _args, ctx) => ctx.db.tag.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] }),
  }, TagConnection),
}));
