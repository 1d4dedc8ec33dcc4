import { builder } from "../../builder.js";

export const Tag = builder.prismaNode("Tag", {
  id: { field: "id" },
  // Include mode: a tag is its id and name.
  // node(id) answers null for a tag the viewer cannot see (src/schema/node-visibility.ts).
  nullable: true,
  fields: (t) => ({
    name: t.exposeString("name"),
    postCount: t.int({
      description: "Published posts with this tag.",
      resolve: (tag, _args, ctx) => ctx.loaders.postCountByTag.load(tag.id),
    }),
  }),
});

export const TagConnection = builder.connectionObject({ type: Tag, name: "TagConnection" }, { name: "TagEdge" });
