import { builder } from "../../builder.js";
import { pageSizeFor } from "../../paging.js";
import { PostConnection } from "../post/types.js";

export const Tag = builder.prismaNode("Tag", {
  id: { field: "id" },
  select: { id: true },
  fields: (t) => ({
    name: t.exposeString("name"),
    posts: t.relatedConnection("posts", {
      cursor: "id",
      maxSize: pageSizeFor,
      description: "Published posts, newest first.",
      query: { where: { status: "PUBLISHED" }, orderBy: [{ publishedAt: "desc" }, { id: "desc" }] },
    }, PostConnection),
    postCount: t.int({
      description: "Published posts with this tag.",
      resolve: (tag, _args, ctx) => ctx.loaders.postCountByTag.load(tag.id),
    }),
  }),
});

export const TagConnection = builder.connectionObject({ type: Tag, name: "TagConnection" }, { name: "TagEdge" });
