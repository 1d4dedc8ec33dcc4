import { builder } from "../../builder.js";

export const Tag = builder.prismaNode("Tag", {
  id: { field: "id" },
  // Include mode: a tag is its id, its name and its count of published posts.
  // node(id) answers null for a tag the viewer cannot see (src/schema/node-visibility.ts).
  nullable: true,
  fields: (t) => ({
    name: t.exposeString("name"),
    // Kept by triggers on post_tags (prisma/migrations/20261207151932_tag_post_count): one column of the tag's row.
    postCount: t.exposeInt("postCount", { description: "Published posts with this tag." }),
  }),
});

export const TagConnection = builder.connectionObject({ type: Tag, name: "TagConnection" }, { name: "TagEdge" });
